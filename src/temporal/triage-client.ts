/**
 * Client-side helpers around a running triage: read its state (query) and wait until its ticket is out.
 * Used by the demo, the CLI and the tests.
 */
import type { Client, WorkflowHandle } from '@temporalio/client';
import { REPUTATION_KEYS } from '../domain/enrichment';
import type { TriageStatus } from '../domain/triage-state';
import { triageStateQuery } from '../workflows/messages';
import type { TriageResult, TriageSnapshot } from '../workflows/types';

const SETTLED: readonly TriageStatus[] = ['awaiting_analyst', 'escalated', 'closed', 'auto_closed', 'delivery_failed', 'expired', 'dry_run'];

/**
 * The ticket is out (or the alert closed without one), the SIEM has been told, and no late enrichment is
 * still pending.
 */
export function isTicketed(s: TriageSnapshot): s is TriageResult {
  if (!s.report || !s.delivery || !s.siemWriteBack || !SETTLED.includes(s.state.status)) return false;
  return Object.values(REPUTATION_KEYS).every((k) => s.report!.enrichments[k]?.status !== 'pending');
}

export async function triageState(client: Client, workflowId: string): Promise<TriageSnapshot> {
  return client.workflow.getHandle(workflowId).query(triageStateQuery);
}

export async function waitForTriage(
  handle: WorkflowHandle,
  until: (s: TriageSnapshot) => boolean = isTicketed,
  opts: { timeoutMs?: number; intervalMs?: number } = {},
): Promise<TriageResult> {
  const deadline = Date.now() + (opts.timeoutMs ?? 90_000);
  for (;;) {
    const snapshot = await handle.query(triageStateQuery).catch(() => undefined);
    if (snapshot && until(snapshot)) return snapshot as TriageResult;
    if (Date.now() > deadline) {
      throw new Error(`${handle.workflowId} did not reach the expected state in time (last: ${snapshot?.state.status ?? 'no answer'})`);
    }
    await new Promise((r) => setTimeout(r, opts.intervalMs ?? 150));
  }
}
