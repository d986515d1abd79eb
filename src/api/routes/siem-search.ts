/**
 * The embedded SIEM's results page: the target of the ticket's "open the search" link. Every value from
 * the logs is HTML-escaped, and a strict CSP forbids scripts on the page altogether.
 */
import express, { type Router } from 'express';
import { z } from 'zod';
import type { SearchHit } from '../../siem/local/local-siem';
import type { IndicatorSearchQuery } from '../../siem/siem';
import { sendError } from '../errors';

export interface SearchSource {
  searchEvents(q: IndicatorSearchQuery, limit?: number): Promise<SearchHit[]>;
}

const QuerySchema = z.object({
  indicator: z.string().min(1).max(256),
  from: z.iso.datetime({ offset: true }),
  to: z.iso.datetime({ offset: true }),
});

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

export function siemSearchRoutes(source: () => Promise<SearchSource | undefined>): Router {
  const router = express.Router();
  router.get('/siem/search', async (req, res) => {
    const parsed = QuerySchema.safeParse(req.query);
    if (!parsed.success) {
      return sendError(res, 400, 'invalid search', parsed.error.issues.map((i) => ({ field: i.path.join('.'), message: i.message })));
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
