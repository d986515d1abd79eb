/**
 * Starting a triage for a normalized alert: one workflow per alert, id `alert/<source>/<alertId>`, so a
 * resent alert never starts a second triage, whether the first is running or finished.
 */
import { Client, WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError } from '@temporalio/client';
import { alertWorkflowId, type Alert } from '../domain/alert';
import { SA, keywordValue } from './search-attributes';
import type { TriagePolicy } from '../domain/policy';
import { repostWaits } from '../domain/triage-state';
import type { alertTriage } from '../workflows';
import { alertRefiredSignal } from '../workflows/messages';
import type { StartPacer } from './start-pacer';
import { errorMessage } from '../logging/error-message';
import { CREDENTIALS_HINT, refusedCredentials } from './connection';
import { hasGrpcCode } from './grpc-status';

export type StartOutcome = { workflowId: string; status: 'started' | 'duplicate' };

export interface AlertStarter {
  start(alert: Alert): Promise<StartOutcome>;
  /** Whether Temporal answers right now (for /readyz). */
  ready(): Promise<boolean>;
}

/** Temporal could not be reached: the SIEM should retry (the API answers 503 + Retry-After). */
export class TemporalUnavailableError extends Error {
  override name = 'TemporalUnavailableError';
}

/** gRPC status codes that mean "not now": CANCELLED 1, DEADLINE_EXCEEDED 4, RESOURCE_EXHAUSTED 8, UNAVAILABLE 14. */
const UNAVAILABLE_CODES = new Set([1, 4, 8, 14]);

export function isUnavailable(err: unknown): boolean {
  return hasGrpcCode(err, UNAVAILABLE_CODES);
}

/**
 * The one-line summary the Web UI shows for the run. The UI renders summaries as Markdown, so alert text
 * loses Markdown/HTML syntax here: an alert must not plant a link or an image the operator's browser loads.
 */
export function webUiSummary(alert: Alert): string {
  const plain = (s: string) => s.replace(/[\[\]()<>!*_`#|\\~\p{Cc}]/gu, ' ').replace(/\s+/g, ' ').trim();
  return cutToBytes(plain(`${alert.severity} · ${alert.detectionId} · ${alert.title}`), SUMMARY_TEXT_BYTES);
}

/**
 * Temporal refuses a start whose summary payload is over 400 bytes (`limit.userMetadataSummarySize`), and
 * the payload is the JSON text plus its metadata — with CODEC_KEYS, plus the encryption envelope (up to 200
 * bytes with a 64-character key id). The text gets 170 bytes of UTF-8, so no title ever fails the start.
 */
export const SUMMARY_TEXT_BYTES = 170;

/** Cuts to `max` bytes as the payload stores the text: UTF-8 inside a JSON string (a `"` takes 2). */
function cutToBytes(value: string, max: number): string {
  const stored = (s: string) => Buffer.byteLength(JSON.stringify(s), 'utf8') - 2;
  if (stored(value) <= max) return value;
  let out = '';
  let bytes = 0;
  for (const ch of value) {
    const size = stored(ch);
    if (bytes + size > max - 3) break; // room for the ellipsis (3 bytes)
    out += ch;
    bytes += size;
  }
  return `${out}…`;
}

export interface StarterOptions {
  policy?: TriagePolicy;
  /** A duplicate from the SIEM reopens a closed alert; a backfill's duplicate must not. */
  onDuplicate?: 'refire' | 'ignore';
  /** Workflow id for the alert (dry runs use their own namespace of ids). */
  workflowId?: (alert: Alert) => string;
  timeoutMs?: number;
  /** Spreads a storm's triage starts (the API's admission control); none = start at once. */
  pacer?: StartPacer;
}

const describeRun = (client: Client, workflowId: string, timeoutMs: number) =>
  client.withDeadline(Date.now() + timeoutMs, () => client.workflow.getHandle(workflowId).describe());

/** Whether the alert's run is closed (and so a re-fire may reopen it); an unreadable status is taken as yes. */
async function mayReopen(client: Client, workflowId: string, timeoutMs: number): Promise<boolean> {
  try {
    const run = await describeRun(client, workflowId, timeoutMs);
    if (run.status.name !== 'RUNNING') return false;
    // A close the run has not processed yet (an autoClose signal waiting for its workflow task) is not in
    // the status: with a task pending, tell the run, which orders the close and the re-fire itself.
    if (run.raw.pendingWorkflowTask) return true;
    const status = run.typedSearchAttributes.get(SA.TriageStatus);
    // A closed alert reopens; one whose ticket Slack refused tries its post again, unless its last re-post
    // was refused too and the wait that set has not run out (the run would drop the signal anyway).
    if (status === 'delivery_failed') return !repostWaits(repostAfterOf(run.memo), Date.now());
    return status === undefined || status === 'closed' || status === 'auto_closed';
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return false;
    if (isUnavailable(err)) throw new TemporalUnavailableError(`Temporal unreachable: ${errorMessage(err)}`);
    throw err;
  }
}

/** The `triage` memo's `repostAfter`, if the run has one (see TriageMemo). */
function repostAfterOf(memo: Record<string, unknown> | undefined): string | undefined {
  const triage = memo?.['triage'];
  const after = typeof triage === 'object' && triage !== null ? (triage as { repostAfter?: unknown }).repostAfter : undefined;
  return typeof after === 'string' ? after : undefined;
}

/** The clocks of this process and the server may differ by this much. */
const CLOCK_SKEW_MS = 2000;

/** Whether the alert's run began after this start was sent: then it is the one the unanswered start made. */
async function startedSince(client: Client, workflowId: string, sentAt: number, timeoutMs: number): Promise<boolean> {
  try {
    const run = await describeRun(client, workflowId, Math.min(timeoutMs, 2000));
    return run.startTime.getTime() >= sentAt - CLOCK_SKEW_MS;
  } catch {
    return false;
  }
}

export function createAlertStarter(client: Client, taskQueue: string, options: StarterOptions = {}): AlertStarter {
  const { policy, onDuplicate = 'refire', timeoutMs = 5000 } = options;
  async function tryStart(alert: Alert, workflowId: string, delayMs: number): Promise<StartOutcome> {
    const sentAt = Date.now();
    try {
      await client.withDeadline(Date.now() + timeoutMs, () =>
        client.workflow.start<typeof alertTriage>('alertTriage', {
          taskQueue,
          workflowId,
          args: [{ alert, policy }],
          // FAIL (not USE_EXISTING) so the duplicate is reported to the caller; either way nothing is started twice.
          workflowIdConflictPolicy: 'FAIL',
          workflowIdReusePolicy: 'REJECT_DUPLICATE',
          ...(delayMs > 0 ? { startDelay: delayMs } : {}),
          staticSummary: webUiSummary(alert),
          typedSearchAttributes: [
            { key: SA.AlertSource, value: alert.source },
            { key: SA.AlertId, value: alert.alertId },
            { key: SA.DetectionId, value: keywordValue(alert.detectionId) },
            { key: SA.LogType, value: alert.logType },
            { key: SA.Severity, value: alert.severity },
            { key: SA.TriageStatus, value: 'received' },
          ],
        }),
      );
      return { workflowId, status: 'started' };
    } catch (err) {
      if (err instanceof WorkflowExecutionAlreadyStartedError) {
        // The SIEM sent it again: a closed alert still in its reopen window reopens its ticket. Only a closed
        // one is told: a SIEM that re-notifies an open alert every minute must not grow its history for nothing.
        if (onDuplicate === 'refire' && (await mayReopen(client, workflowId, timeoutMs))) {
          const at = new Date().toISOString();
          await client
            .withDeadline(Date.now() + timeoutMs, () => client.workflow.getHandle(workflowId).signal(alertRefiredSignal, { at }))
            .catch((signalErr: unknown) => {
              // The run has ended (past its reopen window): there is nothing to reopen.
              if (signalErr instanceof WorkflowNotFoundError) return;
              // Answered 503, so the SIEM sends it again and the re-fire is not lost.
              if (isUnavailable(signalErr)) throw new TemporalUnavailableError(`Temporal unreachable: ${errorMessage(signalErr)}`);
              throw signalErr;
            });
        }
        return { workflowId, status: 'duplicate' };
      }
      // Not the alert's fault, and fixed by the operator: 503, so the SIEM resends it once they have.
      if (refusedCredentials(err)) throw new TemporalUnavailableError(`Temporal refused autotriage's credentials (${errorMessage(err)}): ${CREDENTIALS_HINT}`);
      if (isUnavailable(err)) {
        // The start may have reached the server with its answer lost. If this alert's run exists and began
        // after the start was sent, it is this start's: answer 202, or the SIEM's resend would look like a re-fire.
        if (await startedSince(client, workflowId, sentAt, timeoutMs)) return { workflowId, status: 'started' };
        throw new TemporalUnavailableError(`Temporal unreachable: ${errorMessage(err)}`);
      }
      throw err;
    }
  }
  return {
    async start(alert) {
      const workflowId = (options.workflowId ?? alertWorkflowId)(alert);
      const delayMs = options.pacer?.delayFor(alert.detectionId) ?? 0;
      // Only a start takes a slot of its detection's pace: a duplicate or a failure gives it back.
      const outcome = await tryStart(alert, workflowId, delayMs).catch((err: unknown) => {
        options.pacer?.release(alert.detectionId);
        throw err;
      });
      if (outcome.status !== 'started') options.pacer?.release(alert.detectionId);
      return outcome;
    },
    async ready() {
      try {
        await client.withDeadline(Date.now() + 2000, () => client.workflowService.getSystemInfo({}));
        return true;
      } catch {
        return false;
      }
    },
  };
}
