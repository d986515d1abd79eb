/** A dry run's output: each triage's would-be ticket, one JSON line in the tickets file. */
import fs from 'node:fs';
import path from 'node:path';
import { setMaxListeners } from 'node:events';
import type { Client } from '@temporalio/client';
import { renderPlainText } from '../../tickets/plain-text';
import { renderSlackMessage } from '../../tickets/slack-message';
import { buildTicket } from '../../tickets/ticket';
import type { TriageResult } from '../../workflows/types';

/** The dry run's tickets file, its folder created; a write error fails the backfill instead of crashing it. */
export type TicketsFile = fs.WriteStream & { firstError(): Error | undefined };

export async function openTicketsFile(file: string): Promise<TicketsFile> {
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

export async function writeDryRunTicket(client: Client, workflowId: string, out: NodeJS.WritableStream, signal?: AbortSignal): Promise<void> {
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
