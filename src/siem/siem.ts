/**
 * The SIEM port: the queries playbooks run, whatever the SIEM behind them (embedded DuckDB or Panther).
 */
import type { IndicatorSearch, LoginLocations, RecentLogins } from '../domain/enrichment';

export interface TimeRange {
  from: Date;
  to: Date;
}

export interface IndicatorSearchQuery extends TimeRange {
  indicator: string;
}

export interface LoginLocationsQuery extends TimeRange {
  user: string;
  logType: string;
  limit: number;
}

export interface RecentLoginsQuery extends TimeRange {
  user: string;
  logType: string;
  limit: number;
}

export interface Siem {
  readonly kind: string;
  indicatorSearch(q: IndicatorSearchQuery, signal?: AbortSignal): Promise<IndicatorSearch>;
  loginLocations(q: LoginLocationsQuery, signal?: AbortSignal): Promise<LoginLocations>;
  recentLogins(q: RecentLoginsQuery, signal?: AbortSignal): Promise<RecentLogins>;
  close(): Promise<void>;
}

/** A request the SIEM cannot answer whatever the retries (unknown LogType, bad indicator). */
export class SiemQueryError extends Error {
  override name = 'SiemQueryError';
}
