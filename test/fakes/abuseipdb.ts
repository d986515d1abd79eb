/**
 * Fake of the AbuseIPDB API v2 CHECK endpoint (reference/apis.md §2.1): `GET /api/v2/check?ipAddress=…
 * &maxAgeInDays=…` with `Key` auth, the `{data:{…}}` envelope and `{"errors":[{detail,status}]}` errors.
 * Point clients at `apiBaseUrl` (`${url}/api/v2`). `verbose` is accepted and ignored (no `reports[]`).
 */
import { createHash } from 'node:crypto';
import { isIP } from 'node:net';
import { HttpFake, type FakeRequest, type FakeResponse, type HttpFakeOptions } from './http-fake';

/** The CHECK answer's `data` object (non-verbose). */
export interface AbuseIpdbCheckData {
  ipAddress: string;
  isPublic: boolean;
  ipVersion: 4 | 6;
  isWhitelisted: boolean | null;
  abuseConfidenceScore: number;
  countryCode: string | null;
  usageType: string | null;
  isp: string | null;
  domain: string | null;
  hostnames: string[];
  isTor: boolean;
  totalReports: number;
  numDistinctUsers: number;
  lastReportedAt: string | null;
}

export type AbuseIpdbOverrides = Partial<AbuseIpdbCheckData> & { [field: string]: unknown };

export interface AbuseIpdbFakeOptions extends HttpFakeOptions {
  apiKey: string;
}

/** The 401 body AbuseIPDB sends for a missing, wrong or revoked key. */
export const ABUSEIPDB_AUTH_FAILED_DETAIL =
  'Authentication failed. Your API key is either missing, incorrect, or revoked. Note: The APIv2 key differs from the APIv1 key.';

/** [usageType, isp, domain, countryCode] of plausible owners. */
const OWNERS: ReadonlyArray<readonly [string, string, string, string]> = [
  ['Fixed Line ISP', 'MEO - Servicos De Comunicacoes E Multimedia S.A.', 'meo.pt', 'PT'],
  ['Fixed Line ISP', 'Deutsche Telekom AG', 'telekom.de', 'DE'],
  ['Mobile ISP', 'Vodafone Espana S.A.U.', 'vodafone.es', 'ES'],
  ['Data Center/Web Hosting/Transit', 'Amazon.com, Inc.', 'amazon.com', 'US'],
  ['Data Center/Web Hosting/Transit', 'DigitalOcean LLC', 'digitalocean.com', 'US'],
  ['Data Center/Web Hosting/Transit', 'Hetzner Online GmbH', 'hetzner.com', 'DE'],
  ['Data Center/Web Hosting/Transit', 'OVH SAS', 'ovhcloud.com', 'FR'],
  ['Fixed Line ISP', 'British Telecommunications PLC', 'bt.com', 'GB'],
  ['Fixed Line ISP', 'NTT Communications Corporation', 'ntt.com', 'JP'],
  ['Fixed Line ISP', 'Claro S.A.', 'claro.com.br', 'BR'],
];

/** Fixed reference time (2025-01-01T00:00:00Z) so default data never depends on the clock. */
const REFERENCE_MS = Date.UTC(2025, 0, 1);

function abuseError(status: number, detail: string, parameter?: string): FakeResponse {
  return { status, body: { errors: [{ detail, status, ...(parameter ? { source: { parameter } } : {}) }] } };
}

function isPrivateIpv4(ip: string): boolean {
  const [a = 0, b = 0] = ip.split('.').map(Number);
  return a === 10 || a === 127 || a === 0 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || (a === 169 && b === 254);
}

function isPrivateIpv6(ip: string): boolean {
  const lower = ip.toLowerCase();
  return lower === '::1' || lower === '::' || /^f[cd]/.test(lower) || /^fe[89ab]/.test(lower);
}

/** Deterministic, clean answer for an IP nobody configured: score 0, at most two old reports. */
export function defaultAbuseIpdbData(ip: string): AbuseIpdbCheckData {
  const h = createHash('sha256').update(`abuseipdb:${ip}`).digest();
  const byte = (i: number): number => h[i] ?? 0;
  const version = isIP(ip) === 6 ? 6 : 4;
  const isPublic = version === 4 ? !isPrivateIpv4(ip) : !isPrivateIpv6(ip);
  const owner = OWNERS[byte(0) % OWNERS.length];
  if (!owner) throw new Error('no owners configured');
  const [usageType, isp, domain, countryCode] = owner;
  const totalReports = isPublic ? byte(1) % 3 : 0;
  const lastReportedAt =
    totalReports > 0 ? new Date(REFERENCE_MS - (byte(2) * 256 + byte(3)) * 60_000).toISOString().replace('.000Z', '+00:00') : null;
  return {
    ipAddress: ip,
    isPublic,
    ipVersion: version,
    isWhitelisted: false,
    abuseConfidenceScore: 0,
    countryCode: isPublic ? countryCode : null,
    usageType: isPublic ? usageType : 'Reserved',
    isp: isPublic ? isp : null,
    domain: isPublic ? domain : null,
    hostnames: [],
    isTor: false,
    totalReports,
    numDistinctUsers: totalReports > 0 ? 1 + (byte(4) % totalReports) : 0,
    lastReportedAt,
  };
}

export class AbuseIpdbFake extends HttpFake {
  readonly name = 'abuseipdb';
  readonly apiKey: string;

  private overrides = new Map<string, AbuseIpdbOverrides>();
  private lookupCounts = new Map<string, number>();

  constructor(options: AbuseIpdbFakeOptions) {
    super(options);
    this.apiKey = options.apiKey;
  }

  /** The base URL an AbuseIPDB client should use (`.../api/v2`). */
  get apiBaseUrl(): string {
    return `${this.url}/api/v2`;
  }

  /** Configure the answer for an IP (merged over the deterministic default). */
  setIp(ip: string, data: AbuseIpdbOverrides): void {
    this.overrides.set(ip, data);
  }

  /** Authenticated, well-formed CHECKs that reached the data (200), for one IP or all. */
  lookups(ip?: string): number {
    if (ip !== undefined) return this.lookupCounts.get(ip) ?? 0;
    let total = 0;
    for (const n of this.lookupCounts.values()) total += n;
    return total;
  }

  /** The `data` object a CHECK of `ip` returns right now. */
  dataFor(ip: string): AbuseIpdbCheckData & Record<string, unknown> {
    return { ...defaultAbuseIpdbData(ip), ...this.overrides.get(ip), ipAddress: ip } as AbuseIpdbCheckData & Record<string, unknown>;
  }

  protected override async handle(req: FakeRequest): Promise<FakeResponse> {
    const key = req.headers['key'];
    if (key === undefined || key !== this.apiKey) return abuseError(401, ABUSEIPDB_AUTH_FAILED_DETAIL);
    if (req.path !== '/api/v2/check' || req.method !== 'GET') {
      return abuseError(404, `The requested endpoint ${req.method} ${req.path} does not exist.`);
    }
    const ipParam = req.query['ipAddress'];
    const ip = Array.isArray(ipParam) ? ipParam[ipParam.length - 1] : ipParam;
    if (!ip) return abuseError(422, 'The ip address field is required.', 'ipAddress');
    if (isIP(ip) === 0) return abuseError(422, 'The ip address must be a valid IPv4 or IPv6 address (e.g. 8.8.8.8 or 2001:4860:4860::8888).', 'ipAddress');
    const maxAge = req.query['maxAgeInDays'];
    if (maxAge !== undefined) {
      const days = Number(Array.isArray(maxAge) ? maxAge[maxAge.length - 1] : maxAge);
      if (!Number.isInteger(days) || days < 1 || days > 365) {
        return abuseError(422, 'The max age in days must be between 1 and 365.', 'maxAgeInDays');
      }
    }
    this.lookupCounts.set(ip, (this.lookupCounts.get(ip) ?? 0) + 1);
    return { status: 200, body: { data: this.dataFor(ip) } };
  }

  protected override faultBody(status: number): object {
    if (status === 429) {
      return { errors: [{ detail: 'Daily rate limit of 1000 requests exceeded for this endpoint. See headers for additional details.', status }] };
    }
    if (status === 401) return { errors: [{ detail: ABUSEIPDB_AUTH_FAILED_DETAIL, status }] };
    return { errors: [{ detail: `Injected HTTP ${status}`, status }] };
  }

  protected override resetState(): void {
    this.overrides.clear();
    this.lookupCounts.clear();
  }

  override snapshot(): object {
    return { overrides: Object.fromEntries(this.overrides), lookups: Object.fromEntries(this.lookupCounts) };
  }
}
