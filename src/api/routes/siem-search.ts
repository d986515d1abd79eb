/**
 * The embedded SIEM's results page: the target of the ticket's "open the search" link. It shows raw log
 * events, so with WEBHOOK_SECRET set it answers only links signed by the worker (search-link.ts); it
 * searches IP indicators only, over at most the window a playbook asks for. Every value from the logs is
 * HTML-escaped, and a strict CSP forbids scripts on the page altogether.
 */
import express, { type Router } from 'express';
import { z } from 'zod';
import type { SearchHit } from '../../siem/local/local-siem';
import type { IndicatorSearchQuery } from '../../siem/siem';
import { IpSchema } from '../../intake/alert-schema';
import { verifySearchLink } from '../../siem/local/search-link';
import { sendError } from '../errors';

export interface SearchSource {
  searchEvents(q: IndicatorSearchQuery, limit?: number): Promise<SearchHit[]>;
}

/** The longest window a playbook searches (login history: 90 days), with room for the minutes after the alert. */
const MAX_RANGE_MS = 91 * 24 * 3600 * 1000;

const QuerySchema = z
  .object({
    indicator: IpSchema,
    from: z.iso.datetime({ offset: true }),
    to: z.iso.datetime({ offset: true }),
    sig: z.string().max(100).optional(),
    exp: z.coerce.number().int().positive().optional(),
  })
  .refine((q) => Date.parse(q.to) > Date.parse(q.from), { path: ['to'], message: 'must be after from' })
  .refine((q) => Date.parse(q.to) - Date.parse(q.from) <= MAX_RANGE_MS, { path: ['to'], message: 'the range may span at most 91 days' });

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);
}

function prettyEvent(raw: string): string {
  try {
    return JSON.stringify(JSON.parse(raw), null, 2);
  } catch {
    return raw;
  }
}

export function renderResultsPage(q: { indicator: string; from: string; to: string }, hits: SearchHit[], limit: number): string {
  const rows = hits
    .map(
      (h) =>
        `<tr><td>${escapeHtml(h.time)}</td><td>${escapeHtml(h.table)}</td>` +
        `<td><details><summary>${escapeHtml(h.event.slice(0, 160))}</summary><pre>${escapeHtml(prettyEvent(h.event))}</pre></details></td></tr>`,
    )
    .join('\n');
  const more = hits.length >= limit ? `<p>Showing the newest ${limit} events.</p>` : '';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>autotriage · ${escapeHtml(q.indicator)}</title>
<style>body{font:14px system-ui,sans-serif;margin:2em}table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #ddd;padding:4px 8px;text-align:left;vertical-align:top}pre{white-space:pre-wrap;font-size:12px}summary{font-family:monospace;cursor:pointer}</style>
</head><body>
<h1>Indicator search: <code>${escapeHtml(q.indicator)}</code></h1>
<p>${escapeHtml(q.from)} → ${escapeHtml(q.to)} · ${hits.length} event(s) in the embedded SIEM</p>
${more}
<table><thead><tr><th>time (UTC)</th><th>table</th><th>event</th></tr></thead><tbody>
${rows || '<tr><td colspan="3">no events</td></tr>'}
</tbody></table>
</body></html>`;
}

/** Opens the SIEM on the first search and keeps it; an open that failed is tried again by the next search. */
export function openOnFirstSearch<T>(open: () => Promise<T>): () => Promise<T> {
  let opened: Promise<T> | undefined;
  return () =>
    (opened ??= open().catch((err: unknown) => {
      opened = undefined;
      throw err;
    }));
}

/** `linkKey`: links must carry its signature (set whenever WEBHOOK_SECRET is, i.e. the API is exposed). */
export function siemSearchRoutes(source: () => Promise<SearchSource | undefined>, linkKey?: Buffer): Router {
  const router = express.Router();
  router.get('/siem/search', async (req, res) => {
    const parsed = QuerySchema.safeParse(req.query);
    if (!parsed.success) {
      return sendError(res, 400, 'invalid search', parsed.error.issues.map((i) => ({ field: i.path.join('.'), message: i.message })));
    }
    if (linkKey) {
      const { exp, sig } = parsed.data;
      if (exp === undefined || !verifySearchLink(linkKey, { ...parsed.data, exp }, sig)) {
        return sendError(res, 403, 'this link is not signed by autotriage: open the search from its ticket (the worker needs the same WEBHOOK_SECRET as the API)');
      }
      if (exp * 1000 < Date.now()) return sendError(res, 403, 'this link has expired (a link works as long as its ticket can be open): search the SIEM directly');
    }
    const siem = await source();
    if (!siem) return sendError(res, 404, 'the results page is served only with the embedded SIEM (SIEM=local)');
    const limit = 500;
    const hits = await siem.searchEvents(
      { indicator: parsed.data.indicator, from: new Date(parsed.data.from), to: new Date(parsed.data.to) },
      limit,
    );
    res
      .set('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'")
      .set('X-Content-Type-Options', 'nosniff')
      .type('html')
      .send(renderResultsPage(parsed.data, hits, limit));
  });
  return router;
}
