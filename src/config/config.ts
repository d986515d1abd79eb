/**
 * Configuration from the environment (and `.env` when present), validated once at start with messages
 * that name the variable. Secrets live only here and in the clients built from it: they never enter
 * workflow inputs, results, history or logs.
 */
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { SEVERITIES, type Severity } from '../domain/alert';
import { RULES } from '../autoclose/rules';
import { createCodec } from '../temporal/codec/aes-gcm-codec';
import type { ReputationProvider } from '../domain/enrichment';
import type { AutoCloseMode, TriagePolicy } from '../domain/policy';
import { errorMessage } from '../logging/error-message';
import { MENTION_TARGET, SLACK_CHANNEL_ID, SLACK_GROUP_ID, SLACK_USER_ID } from '../tickets/slack-ids';

const optionalString = z.string().optional();
/**
 * A token or secret: trimmed (a secrets file's trailing newline), then printable ASCII only. A line
 * break or control character inside would make the HTTP client refuse the header with an error that
 * quotes the value — into logs, workflow history and tickets. The message never echoes the value.
 */
const secret = z
  .string()
  .trim()
  .regex(/^[\x20-\x7e]+$/, 'must be printable characters only: no line breaks, tabs or other control characters (the value is not shown)')
  .optional();
const optionalUrl = z.url({ protocol: /^https?$/ }).optional();
const port = z.coerce.number().int().min(1, 'must be a port from 1 to 65535').max(65535, 'must be a port from 1 to 65535');
const httpUrl = (fallback: string) => z.url({ protocol: /^https?$/ }).default(fallback);
const positive = (fallback: number) => z.coerce.number().positive().default(fallback);
const flag = (fallback: boolean) =>
  z
    .string()
    .transform((v) => v.trim().toLowerCase())
    .pipe(z.enum(['true', 'false', '1', '0', 'yes', 'no']))
    .transform((v) => ['true', '1', 'yes'].includes(v))
    .default(fallback);

/** Where the embedded SIEM's logs are by default (`npm start` writes sample logs there when it is missing). */
export const DEFAULT_LOCAL_SIEM_LOGS = './data/logs';

const DURATION = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)$/;
const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
/** `90s`, `5m`, `24h`, `7d` → milliseconds. */
export function parseDuration(value: string): number | undefined {
  const m = DURATION.exec(value.trim());
  return m ? Number(m[1]) * UNIT_MS[m[2] as keyof typeof UNIT_MS] : undefined;
}
const duration = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .transform((v, ctx) => {
      const ms = parseDuration(v);
      if (ms === undefined) ctx.addIssue({ code: 'custom', message: 'must be a duration like 90s, 5m, 24h or 7d' });
      return ms ?? 0;
    });

export const EnvSchema = z.object({
  PORT: port.default(3000),
  HOST: z.string().default('127.0.0.1'),
  PUBLIC_URL: optionalUrl,
  // host:port as gRPC takes it: a scheme (http://) or a path would only fail later, as "not reachable".
  TEMPORAL_ADDRESS: z
    .string()
    .trim()
    .regex(/^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9._-]+):\d{1,5}$/, 'must be host:port without a scheme, like 127.0.0.1:7233 or <namespace>.tmprl.cloud:7233')
    .default('127.0.0.1:7233'),
  TEMPORAL_NAMESPACE: z.string().default('default'),
  TEMPORAL_TASK_QUEUE: z.string().default('autotriage'),
  TEMPORAL_UI_PORT: port.default(8233),
  // Used by scripts/temporal-cli.sh (npm start, npm test, .ci/run), not by the services: listed with the rest.
  TEMPORAL_CLI_PATH: optionalString,
  WEBHOOK_SECRET: secret,
  MAX_BODY_BYTES: z.coerce.number().int().min(1024).max(50 * 1024 * 1024).default(1024 * 1024),
  TRIAGE_START_RATE: z.coerce.number().min(0).max(10_000).default(5),
  TRIAGE_START_BURST: z.coerce.number().int().min(0).max(100_000).default(100),
  VIRUSTOTAL_API_KEY: secret,
  VIRUSTOTAL_BASE_URL: httpUrl('https://www.virustotal.com/api/v3'),
  VIRUSTOTAL_RATE_PER_MINUTE: positive(4),
  VIRUSTOTAL_DAILY_BUDGET: positive(500),
  VIRUSTOTAL_CACHE_TTL: duration('24h'),
  ABUSEIPDB_API_KEY: secret,
  ABUSEIPDB_BASE_URL: httpUrl('https://api.abuseipdb.com/api/v2'),
  ABUSEIPDB_RATE_PER_MINUTE: positive(30),
  ABUSEIPDB_DAILY_BUDGET: positive(1000),
  ABUSEIPDB_CACHE_TTL: duration('24h'),
  GREYNOISE_API_KEY: secret,
  GREYNOISE_BASE_URL: httpUrl('https://api.greynoise.io/v3'),
  GREYNOISE_RATE_PER_MINUTE: positive(10),
  GREYNOISE_DAILY_BUDGET: positive(50),
  GREYNOISE_CACHE_TTL: duration('24h'),
  ENRICHMENT_WAIT: duration('60s'),
  SIEM: z.enum(['local', 'panther']).default('local'),
  LOCAL_SIEM_LOGS: z.string().default(DEFAULT_LOCAL_SIEM_LOGS),
  PANTHER_API_URL: optionalUrl,
  PANTHER_API_TOKEN: secret,
  PANTHER_CONSOLE_URL: optionalUrl,
  PANTHER_QUERY_TIMEOUT: duration('30s'),
  PANTHER_WRITE_BACK: flag(true),
  PANTHER_COMMENT: flag(true),
  PANTHER_STATUS_ON_TICKET: z.enum(['OPEN', 'TRIAGED', 'RESOLVED', 'CLOSED']).optional(),
  SLACK_BOT_TOKEN: secret,
  SLACK_CHANNEL: optionalString,
  SLACK_SIGNING_SECRET: secret,
  SLACK_API_URL: httpUrl('https://slack.com/api/'),
  SLACK_AUDIT_CHANNEL: optionalString,
  JIRA_HOST: optionalUrl,
  JIRA_EMAIL: optionalString,
  JIRA_API_TOKEN: secret,
  JIRA_PROJECT_KEY: optionalString,
  JIRA_ISSUE_TYPE: z.string().default('Task'),
  AUTOCLOSE_MODE: z.enum(['off', 'shadow', 'enforce']).default('shadow'),
  AUTOCLOSE_RULES: z.string().default(''),
  AUTOCLOSE_JIRA: z.enum(['skip', 'create-closed']).default('skip'),
  SLA_REMINDER: z.string().default('CRITICAL=15m,HIGH=1h,MEDIUM=4h,LOW=24h,INFO=24h'),
  SLA_ESCALATE: z.string().default('CRITICAL=1h,HIGH=4h,MEDIUM=24h,LOW=72h'),
  SLACK_ESCALATION_MENTION: optionalString,
  SLACK_ALLOWED_USERS: z.string().default(''),
  SLACK_ALLOWED_GROUPS: z.string().default(''),
  REOPEN_WINDOW: duration('24h'),
  MAX_OPEN: duration('30d'),
  CODEC_KEYS: optionalString,
  CODEC_KEY_ID: optionalString,
  CODEC_AUTH_TOKEN: secret,
  /** Default: the dev server's Web UI on TEMPORAL_UI_PORT, by each loopback name. */
  CODEC_ALLOWED_ORIGINS: z.string().optional(),
  METRICS_PORT: port.default(9464),
  METRICS_HOST: z.string().default('127.0.0.1'),
  WORKER_MAX_CACHED_WORKFLOWS: z.coerce.number().int().min(2).max(100_000).default(500),
  TEMPORAL_API_KEY: secret,
  TEMPORAL_TLS: flag(false),
  TEMPORAL_TLS_CERT_PATH: optionalString,
  TEMPORAL_TLS_KEY_PATH: optionalString,
  DATA_DIR: z.string().default('./.data'),
  LOG_LEVEL: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('info'),
  LOG_FORMAT: z.enum(['pretty', 'json']).optional(),
});

export type Env = z.infer<typeof EnvSchema>;

export interface Config {
  api: {
    host: string;
    port: number;
    publicUrl: string;
    /** The API as reached from this machine (the demo's target): http://127.0.0.1:3000, http://[::1]:3000. */
    localUrl: string;
    webhookSecret?: string;
    maxBodyBytes: number;
    /** Admission control: triage starts per second per detection past a burst (0 = no pacing). */
    startPacing: { perSecond: number; burst: number };
  };
  temporal: {
    address: string;
    namespace: string;
    taskQueue: string;
    uiPort: number;
    /** Temporal Cloud (or a TLS-terminated cluster): an API key, and/or mTLS client certificate files. */
    apiKey?: string;
    tls?: { certPath?: string; keyPath?: string };
  };
  reputation: Partial<Record<ReputationProvider, ReputationProviderConfig>>;
  /** How long a ticket waits for a rate-limited lookup before it goes out with that lookup pending. */
  enrichmentWaitMs: number;
  siem: { kind: 'local'; logsDir: string } | { kind: 'panther' };
  /** Panther's API: the SIEM when SIEM=panther, and alert look-ups and write-back whenever configured. */
  panther?: PantherConfig;
  /**
   * Panther's console (PANTHER_CONSOLE_URL, else derived from PANTHER_API_URL), known even without an API
   * token: a Panther alert whose own link points anywhere else loses it.
   */
  pantherConsoleUrl?: string;
  slack?: { botToken: string; channel: string; apiUrl: string; signingSecret?: string; auditChannel?: string };
  jira?: { host: string; email: string; apiToken: string; projectKey: string; issueType: string };
  autoCloseMode: 'off' | 'shadow' | 'enforce';
  /** How triages behave after the ticket; carried in each workflow's input. */
  policy: TriagePolicy;
  /** Who may press the ticket's buttons (empty: everyone in the channel). */
  slackAllowList: { users: string[]; groups: string[] };
  /** Payload encryption (AES-256-GCM, keys by id) and the codec endpoint for the Web UI. */
  codec?: { keys: string; currentKeyId?: string; authToken?: string; allowedOrigins: string[] };
  /**
   * Workflows a worker keeps in memory between their tasks; one that was evicted replays its history on
   * its next task, so the cache needs to hold the triages that are moving at once, not the ones waiting.
   */
  workerMaxCachedWorkflows: number;
  /** The worker's Prometheus endpoint. */
  metricsPort: number;
  metricsHost: string;
  dataDir: string;
  log: { level: Env['LOG_LEVEL']; format: 'pretty' | 'json' };
}

export interface ReputationProviderConfig {
  apiKey: string;
  baseUrl: string;
  /** Enforced across all workers by the provider's own task queue rate limit. */
  ratePerMinute: number;
  /** Enforced across all workers by a budget workflow per provider and UTC day. */
  dailyBudget: number;
  cacheTtlMs: number;
}

export interface PantherConfig {
  apiUrl: string;
  apiToken: string;
  /** The Panther console, for links in tickets (derived from the API URL by default). */
  consoleUrl: string;
  /** A data-lake query still running after this is cancelled. */
  queryTimeoutMs: number;
  /** Update Panther alerts at all (status and comment); false for a read-only API token. */
  writeBack: boolean;
  /** Add a comment to the Panther alert saying what autotriage found. */
  comment: boolean;
  /** Set the Panther alert to this status once the ticket is out (unset: leave it). */
  statusOnTicket?: 'OPEN' | 'TRIAGED' | 'RESOLVED' | 'CLOSED';
}

/** `https://api.acme.runpanther.net/public/graphql` → `https://acme.runpanther.net`. */
export function pantherConsoleUrl(apiUrl: string): string {
  const url = new URL(apiUrl);
  return `${url.protocol}//${url.host.replace(/^api\./, '')}`;
}

const list = (value: string) => value.split(',').map((v) => v.trim()).filter(Boolean);

/** A comma-separated list of Slack ids: an entry that is no id would never match anyone, so it is refused. */
function idList(name: string, value: string, pattern: RegExp, what: string): string[] {
  const items = list(value);
  const wrong = items.filter((item) => !pattern.test(item));
  if (wrong.length > 0) throw new ConfigError(`${name}: ${wrong.map((w) => JSON.stringify(w)).join(', ')} — give ${what}, comma-separated`);
  return items;
}

/** Browser origins (`https://temporal.example.com:8233`): scheme, host and port, no path. */
function origins(name: string, value: string): string[] {
  const items = list(value);
  for (const item of items) {
    let origin: string | undefined;
    try {
      origin = new URL(item).origin;
    } catch {
      origin = undefined;
    }
    if (origin !== item) throw new ConfigError(`${name}: ${JSON.stringify(item)} is not an origin; give scheme://host[:port] with no path or trailing slash${origin && origin !== 'null' ? ` (${origin})` : ''}`);
  }
  return items;
}

/** `known-location=enforce,other-rule=off` */
function parseRuleModes(value: string): Record<string, AutoCloseMode> {
  const modes: Record<string, AutoCloseMode> = {};
  for (const item of list(value)) {
    const m = /^([a-z0-9][a-z0-9-]*)=(off|shadow|enforce)$/.exec(item);
    if (!m) throw new ConfigError(`AUTOCLOSE_RULES: "${item}" should be <rule-id>=off|shadow|enforce`);
    // A typo must not leave an operator believing a rule is enforced.
    if (!RULES.some((r) => r.id === m[1])) {
      throw new ConfigError(`AUTOCLOSE_RULES: no rule "${m[1]}" (rules: ${RULES.map((r) => r.id).join(', ')})`);
    }
    modes[m[1]!] = m[2] as AutoCloseMode;
  }
  return modes;
}

/** `CRITICAL=15m,HIGH=1h` (severities left out have no deadline; `off` for none at all). */
function parseSeverityDurations(name: string, value: string): Partial<Record<Severity, number>> {
  const out: Partial<Record<Severity, number>> = {};
  if (value.trim() === 'off') return out;
  for (const item of list(value)) {
    const parts = item.split('=').map((p) => p.trim());
    const [severity, text] = parts;
    const ms = parts.length === 2 && text ? parseDuration(text) : undefined;
    if (!severity || !(SEVERITIES as readonly string[]).includes(severity) || ms === undefined || ms <= 0) {
      throw new ConfigError(`${name}: "${item}" should be <SEVERITY>=<duration>, e.g. HIGH=1h`);
    }
    out[severity as Severity] = ms;
  }
  return out;
}

/** A Slack user id, a user group (`subteam^S…` or `S…`), `here` or `channel`. */
function parseMention(value: string | undefined): string | undefined {
  if (!value) return undefined;
  const target = value.replace(/^<[@!]?|>$/g, '').replace(/^@/, '');
  const normalized = /^S[A-Z0-9]+$/.test(target) ? `subteam^${target}` : target;
  if (!MENTION_TARGET.test(normalized)) {
    throw new ConfigError('SLACK_ESCALATION_MENTION: a Slack user id (U…), user group id (S…), "here" or "channel"');
  }
  return normalized;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Reads `.env` from the working directory if it exists; real environment variables win. */
export function loadDotEnv(file = path.resolve('.env')): void {
  if (fs.existsSync(file)) process.loadEnvFile(file);
}

function requireTogether(env: Env, names: (keyof Env)[], what: string): boolean {
  const set = names.filter((n) => env[n] !== undefined);
  if (set.length === 0) return false;
  if (set.length < names.length) {
    const missing = names.filter((n) => env[n] === undefined);
    throw new ConfigError(`${what} is partly configured: set ${missing.join(', ')} too (or unset ${set.join(', ')})`);
  }
  return true;
}

/** An empty value means unset (so `PORT=` in a .env falls back to the default). */
function withoutEmpty(source: NodeJS.ProcessEnv): Record<string, string> {
  return Object.fromEntries(
    Object.entries(source).filter((e): e is [string, string] => typeof e[1] === 'string' && e[1].trim() !== ''),
  );
}

export function parseConfig(source: NodeJS.ProcessEnv = process.env): Config {
  const parsed = EnvSchema.safeParse(withoutEmpty(source));
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`invalid configuration:\n${lines.join('\n')}`);
  }
  const env = parsed.data;
  const consoleSource = env.PANTHER_CONSOLE_URL ?? (env.PANTHER_API_URL ? pantherConsoleUrl(env.PANTHER_API_URL) : undefined);
  const consoleUrl = consoleSource?.replace(/\/+$/, '');
  const hasSlack = requireTogether(env, ['SLACK_BOT_TOKEN', 'SLACK_CHANNEL'], 'Slack');
  const hasJira = requireTogether(env, ['JIRA_HOST', 'JIRA_EMAIL', 'JIRA_API_TOKEN', 'JIRA_PROJECT_KEY'], 'Jira');
  const hasPanther = requireTogether(env, ['PANTHER_API_URL', 'PANTHER_API_TOKEN'], 'Panther');
  requireTogether(env, ['TEMPORAL_TLS_CERT_PATH', 'TEMPORAL_TLS_KEY_PATH'], 'Temporal mTLS');
  if (env.SIEM === 'panther' && !hasPanther) {
    throw new ConfigError('SIEM=panther needs PANTHER_API_URL and PANTHER_API_TOKEN');
  }
  if (env.ENRICHMENT_WAIT > 90_000) throw new ConfigError('ENRICHMENT_WAIT: at most 90s (the ticket would wait too long)');
  // A SIEM query's attempt ends at 60 s (src/workflows/activities.ts); one cut off there would be run again.
  // Every request of the query stops at this deadline; its cancellation may take 15 s more.
  // A cache TTL of 0 would call every answer stale the moment it lands (and show the lookup failed).
  for (const name of ['ENRICHMENT_WAIT', 'PANTHER_QUERY_TIMEOUT', 'MAX_OPEN', 'VIRUSTOTAL_CACHE_TTL', 'ABUSEIPDB_CACHE_TTL', 'GREYNOISE_CACHE_TTL'] as const) {
    if (env[name] <= 0) throw new ConfigError(`${name}: must be longer than 0`);
  }
  if (env.PANTHER_QUERY_TIMEOUT > 40_000) throw new ConfigError('PANTHER_QUERY_TIMEOUT: at most 40s (a SIEM step is given 60 s, the cancellation of a query included)');
  const provider = (
    apiKey: string | undefined,
    baseUrl: string,
    ratePerMinute: number,
    dailyBudget: number,
    cacheTtlMs: number,
  ): ReputationProviderConfig | undefined =>
    apiKey ? { apiKey, baseUrl: baseUrl.replace(/\/+$/, ''), ratePerMinute, dailyBudget, cacheTtlMs } : undefined;
  if (env.METRICS_PORT === 65535) throw new ConfigError('METRICS_PORT: at most 65534 (the worker also uses METRICS_PORT+1 on loopback)');
  if (env.METRICS_PORT === env.PORT || env.METRICS_PORT + 1 === env.PORT) {
    throw new ConfigError(`METRICS_PORT: ${env.METRICS_PORT} collides with PORT ${env.PORT} (the worker also uses METRICS_PORT+1 on loopback)`);
  }
  if (env.CODEC_KEYS) {
    try {
      createCodec(env.CODEC_KEYS, env.CODEC_KEY_ID);
    } catch (err) {
      throw new ConfigError(`CODEC_KEYS / CODEC_KEY_ID: ${errorMessage(err)}`);
    }
  }
  // A URL needs an IPv6 address in brackets (http://[::1]:3000).
  const displayHost = env.HOST === '0.0.0.0' || env.HOST === '::' ? '127.0.0.1' : env.HOST.includes(':') ? `[${env.HOST}]` : env.HOST;
  return {
    api: {
      host: env.HOST,
      port: env.PORT,
      publicUrl: (env.PUBLIC_URL ?? `http://${displayHost}:${env.PORT}`).replace(/\/+$/, ''),
      localUrl: `http://${displayHost}:${env.PORT}`,
      webhookSecret: env.WEBHOOK_SECRET,
      maxBodyBytes: env.MAX_BODY_BYTES,
      startPacing: { perSecond: env.TRIAGE_START_RATE, burst: env.TRIAGE_START_BURST },
    },
    temporal: {
      address: env.TEMPORAL_ADDRESS,
      namespace: env.TEMPORAL_NAMESPACE,
      taskQueue: env.TEMPORAL_TASK_QUEUE,
      uiPort: env.TEMPORAL_UI_PORT,
      apiKey: env.TEMPORAL_API_KEY,
      tls:
        env.TEMPORAL_TLS || env.TEMPORAL_API_KEY || env.TEMPORAL_TLS_CERT_PATH
          ? { certPath: env.TEMPORAL_TLS_CERT_PATH, keyPath: env.TEMPORAL_TLS_KEY_PATH }
          : undefined,
    },
    reputation: {
      virustotal: provider(env.VIRUSTOTAL_API_KEY, env.VIRUSTOTAL_BASE_URL, env.VIRUSTOTAL_RATE_PER_MINUTE, env.VIRUSTOTAL_DAILY_BUDGET, env.VIRUSTOTAL_CACHE_TTL),
      abuseipdb: provider(env.ABUSEIPDB_API_KEY, env.ABUSEIPDB_BASE_URL, env.ABUSEIPDB_RATE_PER_MINUTE, env.ABUSEIPDB_DAILY_BUDGET, env.ABUSEIPDB_CACHE_TTL),
      greynoise: provider(env.GREYNOISE_API_KEY, env.GREYNOISE_BASE_URL, env.GREYNOISE_RATE_PER_MINUTE, env.GREYNOISE_DAILY_BUDGET, env.GREYNOISE_CACHE_TTL),
    },
    enrichmentWaitMs: env.ENRICHMENT_WAIT,
    siem: env.SIEM === 'panther' ? { kind: 'panther' } : { kind: 'local', logsDir: path.resolve(env.LOCAL_SIEM_LOGS) },
    pantherConsoleUrl: consoleUrl,
    panther: hasPanther
      ? {
          apiUrl: env.PANTHER_API_URL!,
          apiToken: env.PANTHER_API_TOKEN!,
          consoleUrl: consoleUrl!,
          queryTimeoutMs: env.PANTHER_QUERY_TIMEOUT,
          writeBack: env.PANTHER_WRITE_BACK,
          comment: env.PANTHER_COMMENT,
          statusOnTicket: env.PANTHER_STATUS_ON_TICKET,
        }
      : undefined,
    slack: hasSlack
      ? {
          botToken: env.SLACK_BOT_TOKEN!,
          channel: env.SLACK_CHANNEL!,
          apiUrl: env.SLACK_API_URL.endsWith('/') ? env.SLACK_API_URL : `${env.SLACK_API_URL}/`,
          signingSecret: env.SLACK_SIGNING_SECRET,
          auditChannel: env.SLACK_AUDIT_CHANNEL,
        }
      : undefined,
    jira: hasJira
      ? {
          host: env.JIRA_HOST!.replace(/\/+$/, ''),
          email: env.JIRA_EMAIL!,
          apiToken: env.JIRA_API_TOKEN!,
          projectKey: env.JIRA_PROJECT_KEY!,
          issueType: env.JIRA_ISSUE_TYPE,
        }
      : undefined,
    autoCloseMode: env.AUTOCLOSE_MODE,
    policy: {
      autoClose: { mode: env.AUTOCLOSE_MODE, rules: parseRuleModes(env.AUTOCLOSE_RULES), jira: env.AUTOCLOSE_JIRA },
      sla: { reminderMs: parseSeverityDurations('SLA_REMINDER', env.SLA_REMINDER), escalateMs: parseSeverityDurations('SLA_ESCALATE', env.SLA_ESCALATE) },
      escalationMention: parseMention(env.SLACK_ESCALATION_MENTION),
      reopenWindowMs: env.REOPEN_WINDOW,
      maxOpenMs: env.MAX_OPEN,
    },
    slackAllowList: {
      users: idList('SLACK_ALLOWED_USERS', env.SLACK_ALLOWED_USERS, SLACK_USER_ID, 'Slack user ids (U0123ABCD), not names or emails'),
      groups: idList('SLACK_ALLOWED_GROUPS', env.SLACK_ALLOWED_GROUPS.replace(/subteam\^/g, ''), SLACK_GROUP_ID, 'Slack user group ids (S0123ABCD), not handles'),
    },
    codec: env.CODEC_KEYS
      ? {
          keys: env.CODEC_KEYS,
          currentKeyId: env.CODEC_KEY_ID,
          authToken: env.CODEC_AUTH_TOKEN,
          // As a browser sends them: `http://localhost`, not `:80`.
          allowedOrigins: origins('CODEC_ALLOWED_ORIGINS', env.CODEC_ALLOWED_ORIGINS ?? ['127.0.0.1', 'localhost', '[::1]'].map((h) => new URL(`http://${h}:${env.TEMPORAL_UI_PORT}`).origin).join(',')),
        }
      : undefined,
    workerMaxCachedWorkflows: env.WORKER_MAX_CACHED_WORKFLOWS,
    metricsPort: env.METRICS_PORT,
    metricsHost: env.METRICS_HOST,
    dataDir: path.resolve(env.DATA_DIR),
    log: { level: env.LOG_LEVEL, format: env.LOG_FORMAT ?? (process.stdout.isTTY ? 'pretty' : 'json') },
  };
}

const MIN_CHOSEN_SECRET = 16;

/** Settings that parse but will not work as an operator expects (or are unsafe): logged by the worker and the API at start. */
export function configWarnings(config: Config): string[] {
  const warnings: string[] = [];
  if (config.slack && !config.slack.signingSecret) {
    warnings.push("SLACK_SIGNING_SECRET is not set: tickets carry buttons, but every click will be refused (the signing secret verifies that a click comes from Slack)");
  }
  // Secrets the operator chooses (Slack and the vendors issue theirs): a short one can be guessed by anyone
  // who reaches the API. Warned, not refused, so a test setup with a short one still starts.
  for (const [name, value] of [['WEBHOOK_SECRET', config.api.webhookSecret], ['CODEC_AUTH_TOKEN', config.codec?.authToken]] as const) {
    if (value !== undefined && value.length < MIN_CHOSEN_SECRET) {
      warnings.push(`${name} is ${value.length} characters: anyone who can reach the API may guess one shorter than ${MIN_CHOSEN_SECRET} — generate one with \`openssl rand -hex 32\``);
    }
  }
  const publicHost = URL.canParse(config.api.publicUrl) ? new URL(config.api.publicUrl).hostname.replace(/^\[|\]$/g, '') : undefined;
  if (!config.api.webhookSecret && publicHost && !LOOPBACK_HOSTS.has(publicHost)) {
    warnings.push(
      `PUBLIC_URL (${config.api.publicUrl}) is not on this machine, but WEBHOOK_SECRET is not set: the API listens on loopback only, and a reverse proxy or tunnel in front of it would let anyone send alerts — set WEBHOOK_SECRET`,
    );
  }
  // Without WEBHOOK_SECRET the API stays on loopback whatever HOST says (apiListenHost): no one else to link for.
  const listensBeyondLoopback = !LOOPBACK_HOSTS.has(config.api.host.replace(/^\[|\]$/g, '')) && !!config.api.webhookSecret;
  if (listensBeyondLoopback && config.api.publicUrl === config.api.localUrl) {
    warnings.push(
      `PUBLIC_URL is not set while the API listens on ${config.api.host}: the links autotriage makes (the embedded SIEM's results in tickets, the codec endpoint) point at ${config.api.publicUrl}, which only this machine opens — set PUBLIC_URL to the address analysts use`,
    );
  }
  if (config.slack && !SLACK_CHANNEL_ID.test(config.slack.channel)) {
    warnings.push(`SLACK_CHANNEL should be a channel ID (C0123ABCDEF), not ${JSON.stringify(config.slack.channel)}: a retried post looks up earlier messages by ID`);
  }
  if (config.slack?.auditChannel && !SLACK_CHANNEL_ID.test(config.slack.auditChannel)) {
    warnings.push(`SLACK_AUDIT_CHANNEL should be a channel ID (C0123ABCDEF), not ${JSON.stringify(config.slack.auditChannel)}: a retried audit line looks up earlier messages by ID`);
  }
  return warnings;
}

const LOOPBACK_HOSTS = new Set(['127.0.0.1', '::1', 'localhost']);

/**
 * Where the API listens: HOST, except that without WEBHOOK_SECRET intake is unauthenticated, so it stays
 * on loopback whatever HOST says.
 */
export function apiListenHost(api: Pick<Config['api'], 'host' | 'webhookSecret'>): { host: string; narrowed: boolean } {
  if (api.webhookSecret || LOOPBACK_HOSTS.has(api.host)) return { host: api.host, narrowed: false };
  return { host: '127.0.0.1', narrowed: true };
}

/** Loads `.env`, parses, and exits with the message on a bad configuration (for process entry points). */
export function loadConfigOrExit(): Config {
  loadDotEnv();
  try {
    return parseConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(`autotriage: ${err.message}`);
      process.exit(2);
    }
    throw err;
  }
}
