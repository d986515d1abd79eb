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
import { setMaxListeners } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client, Connection } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
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
import { linesOf } from './file-lines';
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

/**
 * Starts per second by default: about what two cores triage (see the README's benchmark). A backfill shares
 * the workers, the task queue and the enrichment budgets with live alerts, so starting faster than the
 * fleet triages only queues the live alerts behind the historical ones.
 */
export const DEFAULT_RATE = 5;

const USAGE =
  `usage: npm run backfill -- --file <alerts.jsonl> [--rate ${DEFAULT_RATE}] [--dry-run] [--out tickets.jsonl] [--restart]\n` +
  `       npm run backfill -- --panther --from <ISO time> --to <ISO time> [--rate ${DEFAULT_RATE}] [--dry-run]`;

export function parseArgs(argv: string[]): BackfillArgs {
  const args: BackfillArgs = { rate: DEFAULT_RATE, dryRun: false, restart: false };
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
  if (!panther && (from || to)) throw new Error(`--from and --to choose the range Panther lists: use them with --panther (a file's lines are all triaged)\n${USAGE}`);
  if (panther) {
    if (!from || !to || Number.isNaN(from.getTime()) || Number.isNaN(to.getTime()) || from >= to) {
      throw new Error(`--panther needs --from and --to, ISO times with from < to\n${USAGE}`);
    }
    args.panther = { from, to };
  }
  if (!args.file === !args.panther) throw new Error(`give either --file or --panther\n${USAGE}`);
  if (args.out && !args.dryRun) throw new Error(`--out names the dry run's tickets file: use it with --dry-run\n${USAGE}`);
  if (args.restart && !args.file) throw new Error(`--restart ignores a file's checkpoint: use it with --file\n${USAGE}`);
  // The tickets file is truncated when it opens: it must not be the alerts being read.
  if (args.out && args.file && path.resolve(args.out) === path.resolve(args.file)) {
    throw new Error(`--out ${args.out} is the alerts file itself: name another file for the tickets\n${USAGE}`);
  }
  return args;
}

/**
 * One line of the file: a Panther webhook payload or a canonical alert. A Panther alert's link (either
 * shape, `source: "panther"`) is kept only when it opens Panther's console, as at the webhook.
 *
 * The shape is told by the field only that shape has — `detectionId` (canonical) or `id` (Panther) — so a
 * canonical line missing one of its fields is reported against the canonical format, not Panther's.
 */
export function parseAlertLine(line: string, receivedAt: Date, pantherConsoleUrl?: string): Alert {
  const body: unknown = JSON.parse(line);
  const has = (key: string) => typeof body === 'object' && body !== null && key in body;
  const looksCanonical = has('detectionId') || (!has('id') && has('source'));
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

/** The version of the file a run reads: taken once, before reading, so every checkpoint names that version. */
interface FileVersion {
  size: number;
  mtimeMs: number;
}

function versionOf(file: string | number): FileVersion {
  const { size, mtimeMs } = typeof file === 'number' ? fs.fstatSync(file) : fs.statSync(file);
  return { size, mtimeMs };
}

/** Whether the file at the path is still the version the run read (not replaced, edited or removed). */
function stillThere(file: string, version: FileVersion): boolean {
  try {
    const now = versionOf(file);
    return now.size === version.size && now.mtimeMs === version.mtimeMs;
  } catch {
    return false;
  }
}

function readCheckpoint(file: string, version: FileVersion): number {
  try {
    const c = JSON.parse(fs.readFileSync(checkpointPath(file), 'utf8')) as Checkpoint;
    // A checkpoint from a release that did not record the time is trusted on its size, as it was then.
    return c.size === version.size && (c.mtimeMs === undefined || c.mtimeMs === version.mtimeMs) ? c.linesDone : 0;
  } catch {
    return 0;
  }
}

/**
 * Records the lines done of the version the run read, not of whatever is at the path now: a file replaced
 * or rewritten during the run then no longer matches, and the next run checks all of it again.
 */
function writeCheckpoint(file: string, version: FileVersion, linesDone: number): void {
  const c: Checkpoint = { file: path.resolve(file), ...version, linesDone };
  fs.writeFileSync(checkpointPath(file), `${JSON.stringify(c)}\n`);
}

async function countLines(fd: number): Promise<number> {
  let n = 0;
  for await (const line of linesOf(fd)) if (line.trim()) n++;
  return n;
}

/** A token bucket: `take()` resolves when the next start may go, or at once when the run is stopped. */
export class RateLimiter {
  private next = Date.now();
  constructor(private readonly perSecond: number) {}
  async take(signal?: AbortSignal): Promise<void> {
    const now = Date.now();
    const at = Math.max(this.next, now);
    this.next = at + 1000 / this.perSecond;
    if (at > now) await sleep(at - now, undefined, { signal }).catch(() => undefined);
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
  /** Why the run stopped before the end of its alerts (Ctrl-C, the Panther API failing), if it did. */
  stopped?: { reason: 'interrupted' | 'failed'; message: string };
}

/** How many problems are listed one by one; past this, their number. */
const ERRORS_LISTED = 20;

/** How often a dry run still waiting for its triages says so. */
const WAITING_NOTE_MS = 10_000;

/** Dry-run triages awaited at once: each is a long poll on the server; past this many, starting waits. */
const DRY_RUNS_AWAITED = 64;

export async function runBackfill(
  args: BackfillArgs,
  deps: {
    config: Config;
    client: Client;
    out: NodeJS.WritableStream;
    /** Ctrl-C: stop reading, let the starts in flight settle, write the checkpoint and the summary. */
    signal?: AbortSignal;
  },
): Promise<BackfillSummary> {
  // To the millisecond: two dry runs started in the same second (a script trying rules) stay apart.
  const dryTag = new Date().toISOString().replace(/[-:.TZ]/g, '').slice(0, 17);
  // The file opened once, first: the run reads this version whatever replaces it at the path, and the
  // checkpoint read and every one written are of this version.
  const fd = args.file ? fs.openSync(args.file, 'r') : undefined;
  let tickets: TicketsFile | undefined;
  try {
    const ticketsFile = args.dryRun ? (args.out ?? path.join(deps.config.dataDir, `backfill-dry-run-${dryTag}.jsonl`)) : undefined;
    // Opening the tickets file empties it: never the alerts file, under any name (a link, another path).
    if (fd !== undefined && ticketsFile && sameFile(fd, ticketsFile)) throw new Error(`--out ${ticketsFile} is the alerts file itself: name another file for the tickets`);
    tickets = ticketsFile ? await openTicketsFile(ticketsFile) : undefined;
    return await backfill(args, deps, { dryTag, fd, tickets, ticketsFile });
  } finally {
    // Stopped early or failed: the descriptor and the tickets file are closed all the same.
    if (tickets && !tickets.writableFinished) tickets.destroy();
    if (fd !== undefined) fs.closeSync(fd);
  }
}

function sameFile(fd: number, other: string): boolean {
  const a = fs.fstatSync(fd);
  const b = fs.statSync(other, { throwIfNoEntry: false });
  return b !== undefined && a.dev === b.dev && a.ino === b.ino;
}

async function backfill(
  args: BackfillArgs,
  deps: { config: Config; client: Client; out: NodeJS.WritableStream; signal?: AbortSignal },
  opened: { dryTag: string; fd?: number; tickets?: TicketsFile; ticketsFile?: string },
): Promise<BackfillSummary> {
  const { config, client, signal } = deps;
  const { dryTag, fd, tickets, ticketsFile } = opened;
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
  let errorsNotListed = 0;
  /** Dry runs whose ticket Ctrl-C left unwritten. */
  let notAwaited = 0;
  const report = (error: string) => (errors.length < ERRORS_LISTED ? errors.push(error) : errorsNotListed++);
  /** Dry runs being started or whose ticket is awaited (one long poll each): at most DRY_RUNS_AWAITED at a time. */
  const awaiting = new Set<Promise<void>>();
  const stopped = new Promise<void>((resolve) => (signal?.aborted ? resolve() : signal?.addEventListener('abort', () => resolve(), { once: true })));

  const version = fd !== undefined ? versionOf(fd) : undefined;
  // A dry run tries every line, whatever a real run of the same file has already done.
  const skip = args.file && !args.restart && !args.dryRun ? readCheckpoint(args.file, version!) : 0;
  const total = fd !== undefined ? await countLines(fd) : undefined;
  const alerts = fd !== undefined ? fileAlerts(fd, skip, config.pantherConsoleUrl) : pantherAlerts(config, args.panther!, signal);
  const progress = new Progress(deps.out, total);
  progress.note(`to ${await describeDestination(client, config)}`);
  // The triage settings travel in each workflow's input, from this process's environment, not the worker's.
  progress.note(`triage settings from this environment: ${describePolicy(config.policy, { decisionOnly: args.dryRun })}`);
  // Only a file run resumes (a dry run leaves no trace to resume from).
  const checkpointFile = args.file && !args.dryRun ? args.file : undefined;
  const checkpoint = new CheckpointTracker();
  let inFlight: Promise<void>[] = [];
  /** With --panther (no checkpoint): where a run carries on — the oldest alert whose start failed, else the last read. */
  const resume = { lastRead: undefined as string | undefined, firstFailed: undefined as string | undefined };

  /** A write that fails mid-run (a full disk) is reported, not fatal: the starts themselves are safe to repeat. */
  let checkpointError: string | undefined;
  const saveCheckpoint = (linesDone: number) => {
    try {
      writeCheckpoint(checkpointFile!, version!, linesDone);
    } catch (err) {
      checkpointError ??= errorMessage(err);
    }
  };
  // A checkpoint that cannot be written (a read-only folder) is found before anything starts: without
  // it a re-run could not resume. Writing where the run begins changes nothing it would read.
  if (checkpointFile) {
    saveCheckpoint(skip);
    if (checkpointError) {
      throw new Error(`cannot write the checkpoint ${checkpointPath(checkpointFile)} (${checkpointError}): nothing was started; make its folder writable, or copy the alerts file somewhere that is`);
    }
  }
  const settle = (line: number, outcome: LineOutcome) => {
    const due = checkpoint.settle(line, outcome);
    // Never behind the checkpoint this run began from (the lines it skips settle first, 50 at a time).
    if (checkpointFile && due !== undefined && due > skip) saveCheckpoint(due);
  };

  try {
    for await (const item of alerts) {
      if (signal?.aborted) break;
      summary.total++;
      // One item per non-empty line, in file order: the count is the line's number for the checkpoint.
      const line = summary.total;
      if (item.kind === 'done-before') {
        summary.skipped++;
        settle(line, 'done');
        progress.update(summary);
        continue;
      }
      if (item.kind === 'invalid') {
        summary.rejected++;
        report(`rejected: ${item.error}${args.file ? ' (fix the line and run the backfill again: the lines already started are counted duplicate)' : ''}`);
        // Not done: the checkpoint stays before it, so every run reports it (and exits 1) until it is fixed,
        // and the run after the fix starts it. Never a line silently left behind.
        settle(line, 'failed');
        progress.update(summary);
        continue;
      }
      while (awaiting.size >= DRY_RUNS_AWAITED && !signal?.aborted) await Promise.race([...awaiting, stopped]);
      await limiter.take(signal);
      if (signal?.aborted) {
        // Read but not started: the next run starts it.
        summary.total--;
        break;
      }
      if (item.undated) summary.undated++;
      const alert = item.alert;
      resume.lastRead = alert.createdAt;
      const where = args.file ? `line ${item.lineNo ?? line} (alert ${alert.alertId})` : `Panther alert ${alert.alertId}`;
      // A dry run holds its slot from its start on (a start in flight may become a long poll), so the
      // long polls never outnumber the slots, however many starts are in flight.
      let freeSlot = () => {};
      if (tickets) {
        const slot: Promise<void> = new Promise<void>((resolve) => (freeSlot = resolve)).finally(() => awaiting.delete(slot));
        awaiting.add(slot);
      }
      const start = starter.start(alert).then(
        (outcome) => {
          if (outcome.status === 'started') summary.started++;
          else summary.duplicate++;
          settle(line, 'done');
          // A duplicate (the same alert twice in the file) is the same run: its ticket is written once.
          if (tickets && outcome.status === 'started') {
            void writeDryRunTicket(client, outcome.workflowId, tickets, signal)
              .catch((err: unknown) => {
                summary.dryRunFailed++;
                if (signal?.aborted) notAwaited++;
                else report(`dry run failed: ${where}: ${errorMessage(err)}`);
              })
              .finally(freeSlot);
          } else freeSlot();
        },
        (err: unknown) => {
          freeSlot();
          summary.rejected++;
          const again = args.file ? 'run the backfill again: it resumes here' : 'run the range again: the alerts already started are counted duplicate';
          const hint = err instanceof TemporalUnavailableError ? '' : ` (fix the cause and ${again})`;
          report(`rejected: ${where}: Temporal did not start it: ${errorMessage(err)}${hint}`);
          // The line was valid, so the refusal is the setup's (Temporal unreachable, a missing search attribute
          // or namespace, a denied permission): the checkpoint stays before it and the next run tries it again.
          settle(line, 'failed');
          if (!resume.firstFailed || alert.createdAt < resume.firstFailed) resume.firstFailed = alert.createdAt;
        },
      );
      inFlight.push(start);
      if (inFlight.length >= 32) {
        await Promise.all(inFlight);
        inFlight = [];
      }
      progress.update(summary);
    }
    if (signal?.aborted) summary.stopped = { reason: 'interrupted', message: 'interrupted' };
  } catch (err) {
    // The source failed (the Panther API, after its retries; the file unreadable): what was read still lands.
    summary.stopped = signal?.aborted ? { reason: 'interrupted', message: 'interrupted' } : { reason: 'failed', message: errorMessage(err) };
  }
  // Each start has its own deadline, so this settles even with Temporal gone.
  await Promise.all(inFlight);
  if (checkpointFile && checkpoint.linesDone >= skip) saveCheckpoint(checkpoint.linesDone);
  // Every start has settled, so every dry run still unfinished is in the set (a Ctrl-C cancels their waits).
  if (awaiting.size && !signal?.aborted) {
    const waiting = () => progress.note(`waiting for ${awaiting.size} dry-run triage(s) to render their tickets…`);
    waiting();
    const every = setInterval(waiting, WAITING_NOTE_MS);
    await Promise.race([Promise.all(awaiting), stopped]).finally(() => clearInterval(every));
  }
  // Cancelled by Ctrl-C, each settles at once.
  await Promise.all(awaiting);
  if (notAwaited) summary.stopped ??= { reason: 'interrupted', message: 'interrupted' };
  if (tickets) {
    await new Promise<void>((resolve) => tickets.end(() => resolve()));
    const err = tickets.firstError();
    if (err) throw new Error(`writing the dry-run tickets to ${ticketsFile}: ${err.message}`);
  }
  summary.seconds = (Date.now() - startedAt) / 1000;
  summary.ticketsFile = ticketsFile;
  progress.done(summary);
  for (const e of errors) deps.out.write(`  ${e}\n`);
  if (errorsNotListed) deps.out.write(`  … and ${errorsNotListed} more\n`);
  if (summary.undated > 0) {
    deps.out.write(
      `  note: ${summary.undated} alert(s) had no readable createdAt: their enrichment looked at the days before this backfill, not before the alert\n`,
    );
  }
  if (checkpointError) {
    deps.out.write(`  note: the checkpoint ${checkpointPath(args.file!)} could not be updated (${checkpointError}): the next run checks the lines since its last update again (none is started twice)\n`);
  }
  if (args.file && version && !stillThere(args.file, version)) {
    deps.out.write(`  note: ${args.file} changed while it was read: the next run checks every line again (none is started twice)\n`);
  }
  if (summary.stopped) deps.out.write(`  ${stoppedNote(summary.stopped, args, notAwaited, resume.firstFailed ?? resume.lastRead)}\n`);
  return summary;
}

/** What stopped the run early, and how to carry on from there. */
function stoppedNote(stopped: NonNullable<BackfillSummary['stopped']>, args: BackfillArgs, unfinished: number, resumeFrom: string | undefined): string {
  const what = stopped.reason === 'interrupted' ? 'stopped by Ctrl-C' : `stopped: ${stopped.message}`;
  const lost = unfinished ? `; ${unfinished} dry-run ticket(s) were not awaited and are missing from the file` : '';
  if (args.panther) {
    const from = resumeFrom ?? args.panther.from.toISOString();
    return `${what}: carry on with --from ${from}${args.dryRun ? lost : ' (the alerts already started are counted duplicate)'}`;
  }
  return args.dryRun ? `${what}${lost}` : `${what}: run the same command again to carry on from the checkpoint`;
}

/** Where the triages go, and whether a worker is there to run them (a hint: pollers are remembered for minutes). */
async function describeDestination(client: Client, config: Config): Promise<string> {
  const { address, namespace, taskQueue } = config.temporal;
  const where = `Temporal ${address}, namespace ${namespace}, task queue ${taskQueue}`;
  try {
    const { pollers } = await client.withDeadline(Date.now() + 2000, () =>
      client.workflowService.describeTaskQueue({
        namespace,
        taskQueue: { name: taskQueue, kind: temporal.api.enums.v1.TaskQueueKind.TASK_QUEUE_KIND_NORMAL },
        taskQueueType: temporal.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW,
      }),
    );
    return pollers?.length ? where : `${where} (no worker polls it now: the triages wait until one does)`;
  } catch {
    // Unreachable or not allowed: the starts themselves say so.
    return where;
  }
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
type TicketsFile = fs.WriteStream & { firstError(): Error | undefined };

async function openTicketsFile(file: string): Promise<TicketsFile> {
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

/** `lineNo`: the line's number in the file as an editor shows it (blank lines count), for messages. */
type Item = { kind: 'alert'; alert: Alert; undated?: boolean; lineNo?: number } | { kind: 'invalid'; error: string } | { kind: 'done-before' };

async function* fileAlerts(fd: number, skip: number, pantherConsoleUrl: string | undefined): AsyncGenerator<Item> {
  // `n` counts the non-empty lines (what the checkpoint counts); `lineNo` every line, for the messages.
  let n = 0;
  let lineNo = 0;
  for await (const raw of linesOf(fd)) {
    lineNo++;
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
      yield { kind: 'alert', alert, undated: alert.createdAt === read.toISOString(), lineNo };
    } catch (err) {
      yield { kind: 'invalid', error: `line ${lineNo}: ${errorMessage(err)}` };
    }
  }
}

async function* pantherAlerts(config: Config, range: { from: Date; to: Date }, signal?: AbortSignal): AsyncGenerator<Item> {
  if (!config.panther) throw new Error(PANTHER_NOT_CONFIGURED);
  const source = new PantherAlertSource(new PantherClient(config.panther), config.panther.consoleUrl);
  for await (const payload of source.list(range.from, range.to, { signal })) {
    try {
      yield { kind: 'alert', alert: normalizePanther(payload, new Date()) };
    } catch (err) {
      yield { kind: 'invalid', error: `Panther alert ${String(payload.alertId)}: ${errorMessage(err)}` };
    }
  }
}

async function writeDryRunTicket(client: Client, workflowId: string, out: NodeJS.WritableStream, signal?: AbortSignal): Promise<void> {
  const wait = () => client.workflow.getHandle(workflowId).result() as Promise<TriageResult>;
  let result: TriageResult;
  if (!signal) result = await wait();
  else {
    // A long poll: Ctrl-C cancels it, so the run ends with its summary instead of waiting on the server.
    // The SDK cancels only on the abort event (never for a signal aborted already) and adds a listener at
    // each poll round: each wait gets a signal of its own, linked to the run's for as long as it lasts.
    signal.throwIfAborted();
    const own = new AbortController();
    setMaxListeners(0, own.signal);
    const cancel = () => own.abort(signal.reason);
    signal.addEventListener('abort', cancel, { once: true });
    try {
      result = await client.withAbortSignal(own.signal, wait);
    } finally {
      signal.removeEventListener('abort', cancel);
    }
  }
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

const PANTHER_NOT_CONFIGURED = '--panther needs PANTHER_API_URL and PANTHER_API_TOKEN';

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  // A wrong path is reported as such, before any connection to Temporal is tried.
  if (args.file) await fs.promises.access(args.file, fs.constants.R_OK).catch(() => Promise.reject(new Error(`cannot read ${args.file}`)));
  const config = loadConfigOrExit();
  // A setup error, like an unreadable --file: reported before anything connects or starts.
  if (args.panther && !config.panther) throw new Error(PANTHER_NOT_CONFIGURED);
  const connection = await Connection.connect(connectionOptions(config));
  try {
    const client = new Client({ connection, namespace: config.temporal.namespace, dataConverter: dataConverter(config) });
    // The first Ctrl-C stops the run cleanly (starts in flight settle, checkpoint and summary written);
    // a second one stops it at once.
    const stop = new AbortController();
    const onInterrupt = () => {
      if (stop.signal.aborted) process.exit(130);
      process.stderr.write('\nstopping: waiting for the starts in flight (Ctrl-C again to quit at once)…\n');
      stop.abort();
    };
    process.on('SIGINT', onInterrupt);
    const summary = await runBackfill(args, { config, client, out: process.stderr, signal: stop.signal }).finally(() => process.off('SIGINT', onInterrupt));
    if (summary.stopped?.reason === 'interrupted') process.exitCode = 130;
    else if (summary.stopped || summary.rejected > 0 || summary.dryRunFailed > 0) process.exitCode = 1;
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
