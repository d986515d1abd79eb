/** Where a backfill's alerts come from: the lines of a file, or Panther's alert listing for a time range. */
import { PantherAlertSource } from '../../connectors/panther/alert-list';
import { PantherClient } from '../../connectors/panther/client';
import type { Config } from '../../config/config';
import type { Alert } from '../../domain/alert';
import { normalizeCanonical } from '../../intake/canonical';
import { normalizePanther } from '../../intake/panther';
import { withTrustedLink } from '../../intake/trusted-link';
import { errorMessage } from '../../logging/error-message';
import { linesOf } from '../file-lines';

export const PANTHER_NOT_CONFIGURED = '--panther needs PANTHER_API_URL and PANTHER_API_TOKEN';

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

/** The non-empty lines: the total the progress counts toward. */
export async function countLines(fd: number): Promise<number> {
  let n = 0;
  for await (const line of linesOf(fd)) if (line.trim()) n++;
  return n;
}

/** `lineNo`: the line's number in the file as an editor shows it (blank lines count), for messages. */
export type Item = { kind: 'alert'; alert: Alert; undated?: boolean; lineNo?: number } | { kind: 'invalid'; error: string } | { kind: 'done-before' };

export async function* fileAlerts(fd: number, skip: number, pantherConsoleUrl: string | undefined): AsyncGenerator<Item> {
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

export async function* pantherAlerts(config: Config, range: { from: Date; to: Date }, signal?: AbortSignal): AsyncGenerator<Item> {
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
