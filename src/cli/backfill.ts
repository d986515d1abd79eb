/**
 * `npm run backfill -- --file <alerts.jsonl> [--rate N] [--dry-run] [--out <tickets.jsonl>] [--restart]`
 * `npm run backfill -- --panther --from <ISO> --to <ISO> [...]`
 *
 * Starts the triage of historical alerts at a bounded rate, with progress and an ETA. Idempotent (the
 * workflow id is the alert's, so re-running starts nothing twice) and resumable (a checkpoint next to the
 * file skips what an earlier run already did). `--dry-run` enriches and decides without any Slack, Jira
 * or SIEM write, and writes the tickets that would have been posted to a file — to try a playbook or a
 * rule on last month's alerts.
 */
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { Client, Connection } from '@temporalio/client';
import { TemporalUnavailableError, createAlertStarter, type AlertStarter } from '../temporal/alert-starter';
import { connectionOptions } from '../temporal/connection-options';
import { dataConverter } from '../temporal/data-converter';
import { loadConfigOrExit, type Config } from '../config/config';
import { PantherAlertSource } from '../connectors/panther/alert-list';
import { PantherClient } from '../connectors/panther/client';
import type { Alert } from '../domain/alert';
import type { TriagePolicy } from '../domain/policy';
import { humanDuration, parseTimestamp } from '../domain/time';
import { normalizeCanonical } from '../intake/canonical';
import { normalizePanther } from '../intake/panther';
import { renderPlainText } from '../tickets/plain-text';
import { renderSlackMessage } from '../tickets/slack-message';
import { buildTicket } from '../tickets/ticket';
import type { TriageResult } from '../workflows/types';
import { CheckpointTracker, type LineOutcome } from './backfill-checkpoint';
import { dryRunWorkflowId } from './dry-run-id';
import { Progress } from './progress';
import { errorMessage } from '../logging/error-message';
import { withTrustedLink } from '../intake/trusted-link';

/** `--help`: the usage text, printed with exit code 0. */
export class UsageRequested extends Error {}

export interface BackfillArgs {
  file?: string;
  panther?: { from: Date; to: Date };
  /** Starts per second. */
  rate: number;
  dryRun: boolean;
  out?: string;
  restart: boolean;
}

const USAGE =
  'usage: npm run backfill -- --file <alerts.jsonl> [--rate 20] [--dry-run] [--out tickets.jsonl] [--restart]\n' +
  '       npm run backfill -- --panther --from <ISO time> --to <ISO time> [--rate 20] [--dry-run]';

export function parseArgs(argv: string[]): BackfillArgs {
  const args: BackfillArgs = { rate: 20, dryRun: false, restart: false };
  let panther = false;
  let from: Date | undefined;
  let to: Date | undefined;
  const value = (i: number, flag: string): string => {
    const v = argv[i];
    if (v === undefined || v.startsWith('--')) throw new Error(`${flag} needs a value\n${USAGE}`);
    return v;
  };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]!;
    switch (flag) {
      case '--help':
      case '-h':
        throw new UsageRequested(USAGE);
      case '--file':
        args.file = value(++i, flag);
        break;
      case '--rate': {
        const rate = Number(value(++i, flag));
        if (!(rate > 0 && rate <= 1000)) throw new Error('--rate must be a number of starts per second, 0 < rate ≤ 1000');
        args.rate = rate;
        break;
      }
      case '--dry-run':
        args.dryRun = true;
        break;
      case '--out':
        args.out = value(++i, flag);
        break;
      case '--restart':
        args.restart = true;
        break;
      case '--panther':
        panther = true;
        break;
      // UTC unless the time names its zone (as everywhere in autotriage), whatever the machine's zone.
      case '--from':
        from = parseTimestamp(value(++i, flag)) ?? new Date(Number.NaN);
        break;
      case '--to':
        to = parseTimestamp(value(++i, flag)) ?? new Date(Number.NaN);
        break;
      default:
        throw new Error(`unknown argument ${flag}\n${USAGE}`);
    }
  }
  if (panther) {
    if (!from || !to || Number.isNaN(from.getTime()) || Number.isNaN(to.getTime()) || from >= to) {
      throw new Error(`--panther needs --from and --to, ISO times with from < to\n${USAGE}`);
    }
    args.panther = { from, to };
  }
  if (!args.file === !args.panther) throw new Error(`give either --file or --panther\n${USAGE}`);
  if (args.out && !args.dryRun) throw new Error(`--out names the dry run's tickets file: use it with --dry-run\n${USAGE}`);
  if (args.restart && !args.file) throw new Error(`--restart ignores a file's checkpoint: use it with --file\n${USAGE}`);
  return args;
}

/**
 * One line of the file: a Panther webhook payload or a canonical alert. A Panther alert's link (either
 * shape, `source: "panther"`) is kept only when it opens Panther's console, as at the webhook.
 */
export function parseAlertLine(line: string, receivedAt: Date, pantherConsoleUrl?: string): Alert {
  const body: unknown = JSON.parse(line);
  const looksCanonical = typeof body === 'object' && body !== null && 'source' in body && 'detectionId' in body;
  const alert = looksCanonical ? normalizeCanonical(body, receivedAt) : normalizePanther(body, receivedAt);
  return alert.source === 'panther' ? withTrustedLink(alert, pantherConsoleUrl).alert : alert;
}

interface Checkpoint {
  file: string;
  size: number;
  /** With the size: an edit that keeps the size (a typo fixed) still resets the checkpoint. */
  mtimeMs?: number;
  linesDone: number;
}

function checkpointPath(file: string): string {
  return `${file}.backfill-checkpoint.json`;
}

function readCheckpoint(file: string): number {
  try {
    const c = JSON.parse(fs.readFileSync(checkpointPath(file), 'utf8')) as Checkpoint;
    const stat = fs.statSync(file);
    // A checkpoint from a release that did not record the time is trusted on its size, as it was then.
    return c.size === stat.size && (c.mtimeMs === undefined || c.mtimeMs === stat.mtimeMs) ? c.linesDone : 0;
  } catch {
    return 0;
  }
}

function writeCheckpoint(file: string, linesDone: number): void {
  const stat = fs.statSync(file);
  const c: Checkpoint = { file: path.resolve(file), size: stat.size, mtimeMs: stat.mtimeMs, linesDone };
  fs.writeFileSync(checkpointPath(file), `${JSON.stringify(c)}\n`);
}

async function countLines(file: string): Promise<number> {
  let n = 0;
  for await (const line of readline.createInterface({ input: fs.createReadStream(file) })) if (line.trim()) n++;
  return n;
}

/** A token bucket: `take()` resolves when the next start may go. */
export class RateLimiter {
  private next = Date.now();
  constructor(private readonly perSecond: number) {}
  async take(): Promise<void> {
    const now = Date.now();
    const at = Math.max(this.next, now);
    this.next = at + 1000 / this.perSecond;
    if (at > now) await new Promise((r) => setTimeout(r, at - now));
  }
}

export interface BackfillSummary {
  total: number;
  started: number;
  duplicate: number;
  rejected: number;
  skipped: number;
  /** Dry runs whose triage failed, so their ticket is missing from the file. */
  dryRunFailed: number;
  /** Alerts without a (readable) createdAt: enriched around the backfill's own time, not the alert's. */
  undated: number;
  seconds: number;
  ticketsFile?: string;
}

/** Dry-run triages awaited at once: each is a long poll on the server; past this many, starting waits. */
const DRY_RUNS_AWAITED = 64;

export async function runBackfill(
  args: BackfillArgs,
  deps: {
    config: Config;
    client: Client;
    out: NodeJS.WritableStream;
    now?: () => Date;
  },
): Promise<BackfillSummary> {
  const { config, client } = deps;
  // To the millisecond: two dry runs started in the same second (a script trying rules) stay apart.
  const dryTag = new Date().toISOString().replace(/[-:.TZ]/g, '').slice(0, 17);
  const dryRunPolicy = { ...config.policy, dryRun: true };
  const starter: AlertStarter = createAlertStarter(client, config.temporal.taskQueue, {
      policy: args.dryRun ? dryRunPolicy : config.policy,
      onDuplicate: 'ignore',
      ...(args.dryRun ? { workflowId: (a: Alert) => dryRunWorkflowId(dryTag, a) } : {}),
    });
  const limiter = new RateLimiter(args.rate);
  const startedAt = Date.now();
  const summary: BackfillSummary = { total: 0, started: 0, duplicate: 0, rejected: 0, skipped: 0, dryRunFailed: 0, undated: 0, seconds: 0 };
  const errors: string[] = [];
  const ticketsFile = args.dryRun ? (args.out ?? path.join(config.dataDir, `backfill-dry-run-${dryTag}.jsonl`)) : undefined;
  const tickets = ticketsFile ? await openTicketsFile(ticketsFile) : undefined;
  /** Dry runs whose ticket is still being awaited (one long poll each): at most DRY_RUNS_AWAITED at a time. */
  const awaiting = new Set<Promise<void>>();

  // A dry run tries every line, whatever a real run of the same file has already done.
  const alerts = args.file ? fileAlerts(args.file, args.restart || args.dryRun, config.pantherConsoleUrl) : pantherAlerts(config, args.panther!);
  const total = args.file ? await countLines(args.file) : undefined;
  const progress = new Progress(deps.out, total);
  // The triage settings travel in each workflow's input, from this process's environment, not the worker's.
  progress.note(`triage settings from this environment: ${describePolicy(config.policy, { decisionOnly: args.dryRun })}`);
  // Only a file run resumes (a dry run leaves no trace to resume from).
  const checkpointFile = args.file && !args.dryRun ? args.file : undefined;
  const checkpoint = new CheckpointTracker();
  let inFlight: Promise<void>[] = [];

  const settle = (line: number, outcome: LineOutcome) => {
    const due = checkpoint.settle(line, outcome);
    if (checkpointFile && due !== undefined) writeCheckpoint(checkpointFile, due);
  };

  for await (const item of alerts) {
    summary.total++;
    // One item per non-empty line, in file order: the count is the line's number.
    const line = summary.total;
    if (item.kind === 'done-before') {
      summary.skipped++;
      settle(line, 'done');
      progress.update(summary);
      continue;
    }
    if (item.kind === 'invalid') {
      summary.rejected++;
      if (errors.length < 20) errors.push(`rejected: ${item.error}${args.file ? ' (fix the line and run the backfill again: the lines already started are counted duplicate)' : ''}`);
      // Not done: the checkpoint stays before it, so every run reports it (and exits 1) until it is fixed,
      // and the run after the fix starts it. Never a line silently left behind.
      settle(line, 'failed');
      progress.update(summary);
      continue;
    }
    if (item.undated) summary.undated++;
    while (awaiting.size >= DRY_RUNS_AWAITED) await Promise.race(awaiting);
    await limiter.take();
    const alert = item.alert;
    const where = args.file ? `line ${line} (alert ${alert.alertId})` : `Panther alert ${alert.alertId}`;
    const start = starter.start(alert).then(
      (outcome) => {
        if (outcome.status === 'started') summary.started++;
        else summary.duplicate++;
        settle(line, 'done');
        // A duplicate (the same alert twice in the file) is the same run: its ticket is written once.
        if (tickets && outcome.status === 'started') {
          const written = writeDryRunTicket(client, outcome.workflowId, tickets)
            .catch((err: unknown) => {
              summary.dryRunFailed++;
              if (errors.length < 20) errors.push(`dry run failed: ${where}: ${errorMessage(err)}`);
            })
            .finally(() => awaiting.delete(written));
          awaiting.add(written);
        }
      },
      (err: unknown) => {
        summary.rejected++;
        const hint = err instanceof TemporalUnavailableError ? '' : ' (fix the cause and run the backfill again: it resumes here)';
        if (errors.length < 20) errors.push(`rejected: ${where}: Temporal did not start it: ${errorMessage(err)}${hint}`);
        // The line was valid, so the refusal is the setup's (Temporal unreachable, a missing search attribute
        // or namespace, a denied permission): the checkpoint stays before it and the next run tries it again.
        settle(line, 'failed');
      },
    );
    inFlight.push(start);
    if (inFlight.length >= 32) {
      await Promise.all(inFlight);
      inFlight = [];
    }
    progress.update(summary);
  }
  await Promise.all(inFlight);
  if (checkpointFile) writeCheckpoint(checkpointFile, checkpoint.linesDone);
  // Every start has settled, so every dry run still unfinished is in the set.
  if (awaiting.size) {
    progress.note(`waiting for ${awaiting.size} dry-run triage(s) to render their tickets…`);
    await Promise.all(awaiting);
  }
  if (tickets) {
    await new Promise<void>((resolve) => tickets.end(() => resolve()));
    const err = tickets.firstError();
    if (err) throw new Error(`writing the dry-run tickets to ${ticketsFile}: ${err.message}`);
  }
  summary.seconds = (Date.now() - startedAt) / 1000;
  summary.ticketsFile = ticketsFile;
  progress.done(summary);
  for (const e of errors) deps.out.write(`  ${e}\n`);
  if (summary.undated > 0) {
    deps.out.write(
      `  note: ${summary.undated} alert(s) had no readable createdAt: their enrichment looked at the days before this backfill, not before the alert\n`,
    );
  }
  return summary;
}


/** The settings a started triage carries, in one line (so a backfill run from the wrong shell shows it). */
export function describePolicy(policy: TriagePolicy, opts: { decisionOnly?: boolean } = {}): string {
  const overrides = Object.entries(policy.autoClose.rules).map(([rule, mode]) => `${rule}=${mode}`);
  const autoClose = `auto-close ${policy.autoClose.mode}${overrides.length ? ` (${overrides.join(', ')})` : ''}`;
  // A dry run stops at the decision: no ticket to remind about, reopen or expire.
  if (opts.decisionOnly) return autoClose;
  const sla = (ms: Partial<Record<string, number>>) =>
    Object.entries(ms)
      .map(([severity, value]) => `${severity} ${humanDuration(value!)}`)
      .join(', ') || 'none';
  return [
    autoClose,
    `SLA reminders ${sla(policy.sla.reminderMs)}`,
    `escalations ${sla(policy.sla.escalateMs)}`,
    `reopen window ${humanDuration(policy.reopenWindowMs)}`,
    `expiry ${humanDuration(policy.maxOpenMs)}`,
  ].join(' · ');
}

/** The dry run's tickets file, its folder created; a write error fails the backfill instead of crashing it. */
async function openTicketsFile(file: string): Promise<fs.WriteStream & { firstError(): Error | undefined }> {
  await fs.promises.mkdir(path.dirname(path.resolve(file)), { recursive: true });
  const stream = fs.createWriteStream(file);
  await new Promise<void>((resolve, reject) => {
    stream.once('open', () => resolve());
    stream.once('error', (err) => reject(new Error(`cannot write the tickets file ${file}: ${err.message}`)));
  });
  // A later write error (a full disk) is kept, and reported when the file is closed.
  let writeError: Error | undefined;
  stream.on('error', (err) => (writeError ??= err));
  return Object.assign(stream, { firstError: () => writeError });
}

type Item = { kind: 'alert'; alert: Alert; undated?: boolean } | { kind: 'invalid'; error: string } | { kind: 'done-before' };

async function* fileAlerts(file: string, restart: boolean, pantherConsoleUrl: string | undefined): AsyncGenerator<Item> {
  const skip = restart ? 0 : readCheckpoint(file);
  let n = 0;
  for await (const raw of readline.createInterface({ input: fs.createReadStream(file) })) {
    const line = raw.trim();
    if (!line) continue;
    n++;
    if (n <= skip) {
      yield { kind: 'done-before' };
      continue;
    }
    try {
      // A line without a createdAt is dated when it is read (as the webhook dates a live alert): say so.
      const read = new Date();
      const alert = parseAlertLine(line, read, pantherConsoleUrl);
      yield { kind: 'alert', alert, undated: alert.createdAt === read.toISOString() };
    } catch (err) {
      yield { kind: 'invalid', error: `line ${n}: ${errorMessage(err)}` };
    }
  }
}

async function* pantherAlerts(config: Config, range: { from: Date; to: Date }): AsyncGenerator<Item> {
  if (!config.panther) throw new Error('--panther needs PANTHER_API_URL and PANTHER_API_TOKEN');
  const source = new PantherAlertSource(new PantherClient(config.panther), config.panther.consoleUrl);
  for await (const payload of source.list(range.from, range.to)) {
    try {
      yield { kind: 'alert', alert: normalizePanther(payload, new Date()) };
    } catch (err) {
      yield { kind: 'invalid', error: `Panther alert ${String(payload.alertId)}: ${errorMessage(err)}` };
    }
  }
}

async function writeDryRunTicket(client: Client, workflowId: string, out: NodeJS.WritableStream): Promise<void> {
  const result = (await client.workflow.getHandle(workflowId).result()) as TriageResult;
  const ticket = buildTicket({
    workflowId,
    alert: result.alert,
    playbook: { id: result.report.playbook, matchedBy: result.report.matchedBy, logTypeWorkflow: result.report.logTypeWorkflow },
    enrichments: result.report.enrichments,
    triage: { status: 'awaiting_analyst', shadow: result.state.shadow, reopened: 0 },
  });
  out.write(
    `${JSON.stringify({
      workflowId,
      alertId: result.alert.alertId,
      detectionId: result.alert.detectionId,
      playbook: result.report.playbook,
      autoClose: result.state.shadow ?? null,
      text: renderPlainText(ticket),
      slack: renderSlackMessage(ticket, workflowId),
    })}\n`,
  );
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  // A wrong path is reported as such, before any connection to Temporal is tried.
  if (args.file) await fs.promises.access(args.file, fs.constants.R_OK).catch(() => Promise.reject(new Error(`cannot read ${args.file}`)));
  const config = loadConfigOrExit();
  const connection = await Connection.connect(connectionOptions(config));
  try {
    const client = new Client({ connection, namespace: config.temporal.namespace, dataConverter: dataConverter(config) });
    const summary = await runBackfill(args, { config, client, out: process.stderr });
    if (summary.rejected > 0 || summary.dryRunFailed > 0) process.exitCode = 1;
  } finally {
    await connection.close();
  }
}

if (require.main === module) {
  main().catch((err) => {
    if (err instanceof UsageRequested) {
      console.log(err.message);
      process.exit(0);
    }
    console.error(`backfill: ${errorMessage(err)}`);
    process.exit(2);
  });
}
