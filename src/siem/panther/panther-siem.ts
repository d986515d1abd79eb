/**
 * Panther as the SIEM (SIEM=panther): the playbook queries run in Panther's data lake through the public
 * GraphQL API — the same questions the embedded SIEM answers, so playbooks do not care which one runs.
 */
import { DataLake, type QueryResult } from '../../connectors/panther/data-lake';
import type { PantherClient } from '../../connectors/panther/client';
import type { IndicatorSearch, LoginLocations, RecentLogins } from '../../domain/enrichment';
import { DAY_MS, parseTimestamp } from '../../domain/time';
import { IpSchema } from '../../intake/alert-schema';
import { loginProfileFor, tableForLogType, type LoginProfile } from '../log-profiles';
import { SiemQueryError, type IndicatorSearchQuery, type LoginLocationsQuery, type RecentLoginsQuery, type Siem } from '../siem';
import { loginLocationsSql, recentLoginsSql } from './sql';

export interface PantherSiemOptions {
  client: PantherClient;
  consoleUrl: string;
  queryTimeoutMs: number;
  /** Called while a query runs (activities heartbeat). */
  onProgress?: () => void;
  pollStepMs?: number;
  /** Rows per results page (Panther caps it at 999). */
  pageSize?: number;
}

const iso = (value: unknown): string | undefined => parseTimestamp(value)?.toISOString();
const str = (value: unknown): string | undefined => (value == null || value === '' ? undefined : String(value));

export class PantherSiem implements Siem {
  readonly kind = 'panther';
  private readonly lake: DataLake;

  constructor(private readonly options: PantherSiemOptions) {
    this.lake = new DataLake(options.client);
  }

  async close(): Promise<void> {}

  /** Panther's Search page for the indicator (what an analyst would open by hand). */
  searchLink(q: IndicatorSearchQuery): string {
    const params = new URLSearchParams({ query: q.indicator, start: q.from.toISOString(), end: q.to.toISOString() });
    return `${this.options.consoleUrl}/investigate/search/?${params.toString()}`;
  }

  private run(signal?: AbortSignal) {
    const { queryTimeoutMs: timeoutMs, onProgress: onPoll, pollStepMs, pageSize } = this.options;
    return { timeoutMs, signal, onPoll, pollStepMs, pageSize };
  }

  async indicatorSearch(q: IndicatorSearchQuery, signal?: AbortSignal): Promise<IndicatorSearch> {
    if (!IpSchema.safeParse(q.indicator).success) throw new SiemQueryError(`not an IP address: ${q.indicator.slice(0, 64)}`);
    const result = await this.lake.indicatorSearch(
      { indicators: [q.indicator], startTime: q.from.toISOString(), endTime: q.to.toISOString(), indicatorName: 'p_any_ip_addresses' },
      this.run(signal),
    );
    return this.summarizeHits(q, result);
  }

  private summarizeHits(q: IndicatorSearchQuery, result: QueryResult): IndicatorSearch {
    const times = result.rows.map((r) => iso(r.p_event_time)).filter((t): t is string => !!t).sort();
    const perTable = new Map<string, number>();
    for (const row of result.rows) {
      const table = tableForLogType(String(row.p_log_type ?? 'unknown'));
      perTable.set(table, (perTable.get(table) ?? 0) + 1);
    }
    return {
      indicator: q.indicator,
      from: q.from.toISOString(),
      to: q.to.toISOString(),
      days: Math.round((q.to.getTime() - q.from.getTime()) / DAY_MS),
      hits: result.totalRows,
      firstSeen: times[0],
      lastSeen: times[times.length - 1],
      tables: [...perTable].map(([table, hits]) => ({ table, hits })).sort((a, b) => b.hits - a.hits),
      // Panther pages its results and they are read up to a cap (and a deadline): say when the above is partial.
      ...(result.rows.length < result.totalRows ? { eventsRead: result.rows.length } : {}),
      link: this.searchLink(q),
    };
  }

  private profile(logType: string): LoginProfile {
    const profile = loginProfileFor(logType);
    if (!profile) throw new SiemQueryError(`no login history is known for LogType ${logType}`);
    return profile;
  }

  async loginLocations(q: LoginLocationsQuery, signal?: AbortSignal): Promise<LoginLocations> {
    const { rows } = await this.lake.sql(loginLocationsSql(this.profile(q.logType), q), this.run(signal));
    return {
      user: q.user,
      days: Math.round((q.to.getTime() - q.from.getTime()) / DAY_MS),
      totalLogins: Number(rows[0]?.total ?? 0),
      locations: rows.map((r) => ({
        ip: str(r.ip) ?? 'unknown',
        city: str(r.city),
        country: str(r.country),
        count: Number(r.logins ?? 0),
        lastSeen: iso(r.last_seen) ?? String(r.last_seen),
      })),
    };
  }

  async recentLogins(q: RecentLoginsQuery, signal?: AbortSignal): Promise<RecentLogins> {
    const { rows } = await this.lake.sql(recentLoginsSql(this.profile(q.logType), q), this.run(signal));
    return {
      user: q.user,
      logins: rows.map((r) => ({
        time: iso(r.time) ?? String(r.time),
        ip: str(r.ip),
        city: str(r.city),
        country: str(r.country),
        userAgent: str(r.user_agent),
      })),
    };
  }
}
