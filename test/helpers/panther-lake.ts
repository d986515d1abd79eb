/**
 * A Panther data lake for tests: the Panther fake's responder answers our queries from the same sample
 * logs the embedded SIEM reads (through LocalSiem), so a playbook run against Panther can be compared
 * with one against the embedded SIEM. It reads the parameters back out of the SQL we sent — which also
 * checks that they went in as plain string literals.
 */
import type { PantherQueryOutcome, PantherQueryRequest } from '../fakes';
import type { LocalSiem } from '../../src/siem/local/local-siem';

/** Undoes `sqlString`: `'it''s'` → `it's`. */
function literal(quoted: string): string {
  return quoted.slice(1, -1).replace(/''/g, "'").replace(/\\\\/g, '\\');
}

const LITERAL = `'(?:[^'\\\\]|''|\\\\.)*'`;

export function lakeBackedBy(local: LocalSiem): (q: PantherQueryRequest) => Promise<PantherQueryOutcome> {
  return async (q) => {
    if (q.kind === 'indicator') {
      const input = q.input as { indicators: string[]; startTime: string; endTime: string };
      const hits = await local.searchEvents({ indicator: input.indicators[0]!, from: new Date(input.startTime), to: new Date(input.endTime) }, 1000);
      return hits.map((h) => ({ ...JSON.parse(h.event), p_log_type: 'Okta.SystemLog', p_event_time: h.time }));
    }
    const sql = q.sql ?? '';
    const range = new RegExp(`p_occurs_between\\((${LITERAL}), (${LITERAL})\\)`).exec(sql);
    const user = new RegExp(`LOWER\\(actor:alternateId::varchar\\) = LOWER\\((${LITERAL})\\)`).exec(sql);
    const limit = /LIMIT (\d+)/.exec(sql);
    if (!range || !user || !limit) return { error: `the fake lake does not understand: ${sql.slice(0, 200)}` };
    const query = {
      user: literal(user[1]!),
      logType: 'Okta.SystemLog',
      from: new Date(literal(range[1]!)),
      to: new Date(literal(range[2]!)),
      limit: Number(limit[1]),
    };
    // Snowflake returns unquoted aliases upper-cased: so do we.
    if (sql.includes('top successful login locations')) {
      const r = await local.loginLocations(query);
      return r.locations.map((l) => ({ IP: l.ip, CITY: l.city ?? null, COUNTRY: l.country ?? null, LOGINS: l.count, LAST_SEEN: l.lastSeen, TOTAL: r.totalLogins }));
    }
    const r = await local.recentLogins(query);
    return r.logins.map((l) => ({ TIME: l.time, IP: l.ip ?? null, CITY: l.city ?? null, COUNTRY: l.country ?? null, USER_AGENT: l.userAgent ?? null }));
  };
}
