/**
 * Enrichment results as they travel through workflow history: small summaries (top N rows), never raw
 * API responses. Pure module.
 */

/** The outcome of one enrichment step. A step that did not produce data always says why. */
export type Outcome<T> =
  | { status: 'ok'; data: T }
  /** The step ran and failed (after its retries): the ticket shows it unavailable with the reason. */
  | { status: 'unavailable'; reason: string }
  /** The integration has no credentials/config on this deployment. */
  | { status: 'not_configured'; reason: string }
  /** The step does not apply to this alert (e.g. no IP in the alert). */
  | { status: 'skipped'; reason: string };

export const ok = <T>(data: T): Outcome<T> => ({ status: 'ok', data });
export const notConfigured = <T>(reason: string): Outcome<T> => ({ status: 'not_configured', reason });
export const skipped = <T>(reason: string): Outcome<T> => ({ status: 'skipped', reason });
export const unavailable = <T>(reason: string): Outcome<T> => ({ status: 'unavailable', reason });

export interface IpReputation {
  ip: string;
  provider: 'virustotal';
  /** False when the provider has no record of the IP (VirusTotal 404). */
  found: boolean;
  malicious: number;
  suspicious: number;
  harmless: number;
  undetected: number;
  /** Engines that gave a verdict (sum of the stats). */
  engines: number;
  reputation?: number;
  asn?: number;
  asOwner?: string;
  /** ISO 3166 alpha-2, as VirusTotal reports it. */
  country?: string;
  /** ISO-8601 time of the last analysis. */
  lastAnalysis?: string;
  /** The provider's UI page for the IP. */
  link: string;
}

export interface IndicatorSearch {
  indicator: string;
  /** ISO-8601 range searched. */
  from: string;
  to: string;
  days: number;
  hits: number;
  firstSeen?: string;
  lastSeen?: string;
  /** Hits per table/LogType, largest first. */
  tables: Array<{ table: string; hits: number }>;
  /** Opens the full results in the SIEM (or the embedded SIEM's results page). */
  link: string;
}

export interface LoginLocation {
  ip: string;
  city?: string;
  country?: string;
  count: number;
  lastSeen: string;
}

export interface LoginLocations {
  user: string;
  days: number;
  totalLogins: number;
  /** Most frequent first. */
  locations: LoginLocation[];
}

export interface LoginEvent {
  time: string;
  ip?: string;
  city?: string;
  country?: string;
  userAgent?: string;
}

export interface RecentLogins {
  user: string;
  logins: LoginEvent[];
}

/** Every enrichment a playbook may run. Absent keys were not part of the playbook. */
export interface Enrichments {
  ipReputation?: Outcome<IpReputation>;
  indicatorSearch?: Outcome<IndicatorSearch>;
  loginLocations?: Outcome<LoginLocations>;
  recentLogins?: Outcome<RecentLogins>;
}

export type EnrichmentKey = keyof Enrichments;

/** Display order and titles of the enrichment sections in every ticket format. */
export const ENRICHMENT_SECTIONS: ReadonlyArray<{ key: EnrichmentKey; title: string }> = [
  { key: 'ipReputation', title: 'VirusTotal' },
  { key: 'indicatorSearch', title: 'SIEM indicator search' },
  { key: 'loginLocations', title: 'Top login locations' },
  { key: 'recentLogins', title: 'Last successful logins' },
];
