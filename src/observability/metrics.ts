/**
 * Prometheus metrics (prom-client). One registry per process: the API counts what it receives and
 * rejects; the worker measures enrichment, deliveries, auto-close decisions and triage durations (through
 * an activity interceptor and workflow sinks). Labels are bounded: providers and activity names are ours;
 * values a sender chooses (source, LogType, detection id, an autoClose signal's rule id) keep their name
 * for the first few hundred distinct values a process sees and count as `other` after that.
 */
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { RULES } from '../autoclose/rules';
import { DETECTION_ROUTES, LOG_TYPE_WORKFLOWS } from '../routing/routing-table';
import { LOGIN_PROFILES } from '../siem/log-profiles';

export function createRegistry(service: 'api' | 'worker'): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  collectDefaultMetrics({ register: registry, prefix: 'autotriage_' });
  return registry;
}

/** Detection ids and LogTypes are label values: keep them short and printable. */
export function labelValue(value: string | undefined): string {
  return (value ?? 'unknown').replace(/[^A-Za-z0-9._:@-]/g, '_').slice(0, 100);
}

/**
 * A label whose values come from outside: printable, and at most `max` distinct values per process besides
 * the `known` ones (the routing table's detections and LogTypes, our rules), so an authenticated sender
 * inventing a detection id per alert cannot grow Prometheus' series without bound, nor push the values
 * the dashboards watch into `other`.
 */
export function boundedLabel(max: number, known: Iterable<string> = []): (value: string | undefined) => string {
  const always = new Set([...known].map(labelValue));
  const seen = new Set<string>();
  return (value) => {
    const v = labelValue(value);
    if (always.has(v) || seen.has(v)) return v;
    if (seen.size >= max) return 'other';
    seen.add(v);
    return v;
  };
}

const KNOWN_DETECTIONS = Object.keys(DETECTION_ROUTES);
const KNOWN_LOG_TYPES = [...Object.keys(LOG_TYPE_WORKFLOWS), ...Object.keys(LOGIN_PROFILES), 'Unknown'];
const KNOWN_RULES = RULES.map((r) => `${r.id}@${r.version}`);

/** Routes that count rejections under their own name; any other path (Express matches case-insensitively,
 * with or without a trailing slash) counts as `other`, so a caller cannot mint label values. */
const ROUTE_LABELS = new Set(['/webhooks/panther', '/webhooks/alerts', '/slack/interactions', '/codec/encode', '/codec/decode']);

export function routeLabel(path: string): string {
  const route = path.toLowerCase().replace(/\/+$/, '');
  return ROUTE_LABELS.has(route) ? route : 'other';
}

export interface ApiMetrics {
  received: Counter<'source' | 'log_type' | 'detection' | 'status'>;
  rejected: Counter<'route' | 'reason'>;
  label: { source: (v?: string) => string; logType: (v?: string) => string; detection: (v?: string) => string };
  /** The labels of an accepted alert, bounded per label and per combination (see `boundedCombinations`). */
  receivedLabels(alert: { source: string; logType?: string; detectionId: string }): { source: string; log_type: string; detection: string };
}

/**
 * Each label is bounded, but their combinations multiply (50 × 200 × 500): past `max` distinct
 * combinations a new one counts as source and LogType `other`, its detection by name only if the routing
 * table knows it — at most `max` + the known detections + 1 series.
 */
export function boundedCombinations(max: number, knownDetections: Iterable<string>) {
  const known = new Set([...knownDetections].map(labelValue));
  const seen = new Set<string>();
  return (labels: { source: string; log_type: string; detection: string }) => {
    const key = `${labels.source}\n${labels.log_type}\n${labels.detection}`;
    if (seen.has(key)) return labels;
    if (seen.size < max) {
      seen.add(key);
      return labels;
    }
    return { source: 'other', log_type: 'other', detection: known.has(labels.detection) ? labels.detection : 'other' };
  };
}

export function apiMetrics(registry: Registry): ApiMetrics {
  const label = { source: boundedLabel(50, ['panther']), logType: boundedLabel(200, KNOWN_LOG_TYPES), detection: boundedLabel(500, KNOWN_DETECTIONS) };
  const combination = boundedCombinations(1000, KNOWN_DETECTIONS);
  return {
    label,
    receivedLabels: (alert) =>
      combination({ source: label.source(alert.source), log_type: label.logType(alert.logType), detection: label.detection(alert.detectionId) }),
    received: new Counter({
      name: 'autotriage_alerts_received_total',
      help: 'Alerts accepted at intake, by source, LogType, detection and start status (started | duplicate)',
      labelNames: ['source', 'log_type', 'detection', 'status'],
      registers: [registry],
    }),
    rejected: new Counter({
      name: 'autotriage_alerts_rejected_total',
      help: 'Intake requests rejected, by reason (unauthorized, not_json, invalid_json, invalid_alert, too_large, temporal_unavailable)',
      labelNames: ['route', 'reason'],
      registers: [registry],
    }),
  };
}

export interface WorkerMetrics {
  activity: Histogram<'activity' | 'provider' | 'outcome'>;
  enrichmentFailures: Counter<'provider' | 'step'>;
  cache: Counter<'provider' | 'result'>;
  tickets: Counter<'destination'>;
  jiraIssues: Counter<'outcome'>;
  autoClose: Counter<'rule' | 'mode'>;
  triageDuration: Histogram<'log_type' | 'playbook' | 'outcome'>;
  label: { logType: (v?: string) => string; rule: (v?: string) => string };
}

export function workerMetrics(registry: Registry): WorkerMetrics {
  return {
    label: { logType: boundedLabel(200, KNOWN_LOG_TYPES), rule: boundedLabel(100, KNOWN_RULES) },
    activity: new Histogram({
      name: 'autotriage_activity_duration_seconds',
      help: 'Activity duration by activity, provider (enrichment) and outcome (ok | failed)',
      labelNames: ['activity', 'provider', 'outcome'],
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
      registers: [registry],
    }),
    enrichmentFailures: new Counter({
      name: 'autotriage_enrichment_failures_total',
      help: 'Enrichment steps that failed or ended unavailable, by provider and step',
      labelNames: ['provider', 'step'],
      registers: [registry],
    }),
    cache: new Counter({
      name: 'autotriage_enrichment_cache_lookups_total',
      help: 'Reputation lookups through the shared cache, by provider and result (hit | miss | pending | unavailable | skipped)',
      labelNames: ['provider', 'result'],
      registers: [registry],
    }),
    tickets: new Counter({
      name: 'autotriage_tickets_total',
      help: 'Tickets delivered, by destination (slack | local)',
      labelNames: ['destination'],
      registers: [registry],
    }),
    jiraIssues: new Counter({
      name: 'autotriage_jira_issues_total',
      help: 'Jira issue steps, by outcome (created_or_found | not_configured | skipped | unavailable)',
      labelNames: ['outcome'],
      registers: [registry],
    }),
    autoClose: new Counter({
      name: 'autotriage_autoclose_decisions_total',
      help: 'Auto-close rule decisions that matched, by rule and mode (shadow | enforce | signal)',
      labelNames: ['rule', 'mode'],
      registers: [registry],
    }),
    triageDuration: new Histogram({
      name: 'autotriage_triage_duration_seconds',
      help: 'From the start of a triage to its ticket (or its auto-close), by LogType, playbook and outcome',
      labelNames: ['log_type', 'playbook', 'outcome'],
      buckets: [0.25, 0.5, 1, 2, 5, 10, 30, 60, 120, 300],
      registers: [registry],
    }),
  };
}
