/**
 * One backfill run: reads the alerts (a file, or Panther's listing), starts their triages at the rate
 * asked, keeps the file's checkpoint, writes a dry run's tickets, and reports progress and a summary.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import { TemporalUnavailableError, createAlertStarter, type AlertStarter } from '../../temporal/alert-starter';
import type { Config } from '../../config/config';
import type { Alert } from '../../domain/alert';
import { errorMessage } from '../../logging/error-message';
import { dryRunWorkflowId } from '../dry-run-id';
import { Progress } from '../progress';
import { fileAlerts, pantherAlerts, countLines } from './alert-sources';
import type { BackfillArgs } from './args';
import { CheckpointTracker, type LineOutcome } from './checkpoint';
import { checkpointPath, readCheckpoint, stillThere, versionOf, writeCheckpoint } from './checkpoint-file';
import { openTicketsFile, writeDryRunTicket, type TicketsFile } from './dry-run-tickets';
import { describeDestination, describePolicy, stoppedNote } from './notes';
import { RateLimiter } from './rate-limiter';

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
  /** Wakes the reading loop waiting for a free slot: a slot freed, or Ctrl-C (no reaction piles up per wait). */
  let wakeStarts = () => {};
  signal?.addEventListener('abort', () => wakeStarts(), { once: true });

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
      while (awaiting.size >= DRY_RUNS_AWAITED && !signal?.aborted) await new Promise<void>((resolve) => (wakeStarts = resolve));
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
        const slot: Promise<void> = new Promise<void>((resolve) => (freeSlot = resolve)).finally(() => {
          awaiting.delete(slot);
          wakeStarts();
        });
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
