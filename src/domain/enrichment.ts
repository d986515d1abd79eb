/**
 * Enrichment results as they travel through workflow history: small summaries (top N rows), never raw
 * API responses. Pure module.
 */

/** Where a result came from when it went through the shared enrichment cache. */
export interface CacheInfo {
  /** True when another alert's lookup (or an earlier one) paid for it. */
  hit: boolean;
  /** ISO-8601 time the provider answered. */
  fetchedAt: string;
}

/** The reputation providers, each behind its own cache, task queue and rate budget. */
export const REPUTATION_PROVIDERS = ['virustotal', 'abuseipdb', 'greynoise'] as const;
export type ReputationProvider = (typeof REPUTATION_PROVIDERS)[number];

export const PROVIDER_NAMES: Readonly<Record<ReputationProvider, string>> = {
  virustotal: 'VirusTotal',
  abuseipdb: 'AbuseIPDB',
  greynoise: 'GreyNoise',
};

/** The outcome of one enrichment step. A step that did not produce data always says why. */
export type Outcome<T> =
  | { status: 'ok'; data: T; cache?: CacheInfo }
  /**
   * Still queued behind the provider's rate budget when the ticket went out; the ticket is updated when
   * it arrives (nothing is dropped for a rate limit).
   */
  | { status: 'pending'; reason: string; lookup: { provider: ReputationProvider; indicator: string } }
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

export interface AbuseIpReport {
  ip: string;
  provider: 'abuseipdb';
  /** 0–100, AbuseIPDB's confidence that the IP is abusive. */
  abuseConfidenceScore: number;
  totalReports: number;
  distinctReporters: number;
  lastReportedAt?: string;
  countryCode?: string;
  usageType?: string;
  isp?: string;
  domain?: string;
  isTor: boolean;
  isWhitelisted?: boolean;
  link: string;
}

export interface GreyNoiseReport {
  ip: string;
  provider: 'greynoise';
  /** False when GreyNoise has not seen the IP (its 404 is an answer, not an error). */
  found: boolean;
  /** Mass internet scanner. */
  noise: boolean;
  /** Known-benign business service (RIOT dataset). */
  riot: boolean;
  classification?: string;
  name?: string;
  lastSeen?: string;
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
  /**
   * Set when only part of the hits could be read (Panther's results are paged and capped): first/last seen
   * and the per-table counts are then of these events only.
   */
  eventsRead?: number;
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

/** What each reputation provider returns. */
export interface ReputationReports {
  virustotal: IpReputation;
  abuseipdb: AbuseIpReport;
  greynoise: GreyNoiseReport;
}

/** Every enrichment a playbook may run. Absent keys were not part of the playbook. */
export interface Enrichments {
  ipReputation?: Outcome<IpReputation>;
  abuseIpdb?: Outcome<AbuseIpReport>;
  greyNoise?: Outcome<GreyNoiseReport>;
  indicatorSearch?: Outcome<IndicatorSearch>;
  loginLocations?: Outcome<LoginLocations>;
  recentLogins?: Outcome<RecentLogins>;
}

export type EnrichmentKey = keyof Enrichments;

/** Which enrichment key each reputation provider fills. */
export const REPUTATION_KEYS = {
  virustotal: 'ipReputation',
  abuseipdb: 'abuseIpdb',
  greynoise: 'greyNoise',
} as const satisfies Record<ReputationProvider, EnrichmentKey>;

/**
 * Display order and titles of the enrichment sections in every ticket format. `optional` sections are
 * left out of the ticket when their provider is not configured (they are extras, not gaps).
 */
export const ENRICHMENT_SECTIONS: ReadonlyArray<{ key: EnrichmentKey; title: string; optional?: boolean }> = [
  { key: 'ipReputation', title: 'VirusTotal' },
  { key: 'abuseIpdb', title: 'AbuseIPDB', optional: true },
  { key: 'greyNoise', title: 'GreyNoise', optional: true },
  { key: 'indicatorSearch', title: 'SIEM indicator search' },
  { key: 'loginLocations', title: 'Top login locations' },
  { key: 'recentLogins', title: 'Last successful logins' },
];
