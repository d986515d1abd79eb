/**
 * Fake of the VirusTotal API v3 IP lookup: `GET /api/v3/ip_addresses/{ip}` with `x-apikey` auth, the
 * JSON:API envelope and VT's `{"error":{"code","message"}}` errors. Point clients at `${url}/api/v3`.
 */
import { createHash } from 'node:crypto';
import { isIP } from 'node:net';
import { HttpFake, type FakeRequest, type FakeResponse, type HttpFakeOptions } from './http-fake';

export interface VtAnalysisStats {
  harmless: number;
  malicious: number;
  suspicious: number;
  undetected: number;
  timeout: number;
}

export interface VtIpAttributes {
  last_analysis_stats: VtAnalysisStats;
  reputation: number;
  asn: number;
  as_owner: string;
  country: string;
  network: string;
  /** UTC epoch seconds. */
  last_analysis_date: number;
  last_modification_date: number;
  tags: string[];
  total_votes: { harmless: number; malicious: number };
  regional_internet_registry: string;
  continent: string;
}

/** Overrides for `setIp`: nested stats/votes are merged into the defaults; extra attributes are passed through. */
export type VtIpOverrides = Partial<Omit<VtIpAttributes, 'last_analysis_stats' | 'total_votes'>> & {
  last_analysis_stats?: Partial<VtAnalysisStats>;
  total_votes?: Partial<VtIpAttributes['total_votes']>;
  [attribute: string]: unknown;
};

export interface VirusTotalFakeOptions extends HttpFakeOptions {
  apiKey: string;
}

const IP_PATH = /^\/api\/v3\/ip_addresses\/([^/]+)$/;

/** Real-world owners so default data looks plausible: [asn, as_owner, country, continent, RIR]. */
const OWNERS: ReadonlyArray<readonly [number, string, string, string, string]> = [
  [15169, 'GOOGLE', 'US', 'NA', 'ARIN'],
  [16509, 'AMAZON-02', 'US', 'NA', 'ARIN'],
  [13335, 'CLOUDFLARENET', 'US', 'NA', 'ARIN'],
  [8075, 'MICROSOFT-CORP-MSN-AS-BLOCK', 'US', 'NA', 'ARIN'],
  [14061, 'DIGITALOCEAN-ASN', 'US', 'NA', 'ARIN'],
  [24940, 'Hetzner Online GmbH', 'DE', 'EU', 'RIPE NCC'],
  [16276, 'OVH SAS', 'FR', 'EU', 'RIPE NCC'],
  [3320, 'Deutsche Telekom AG', 'DE', 'EU', 'RIPE NCC'],
  [2856, 'British Telecommunications PLC', 'GB', 'EU', 'RIPE NCC'],
  [4713, 'NTT Communications Corporation', 'JP', 'AS', 'APNIC'],
  [4134, 'Chinanet', 'CN', 'AS', 'APNIC'],
  [28573, 'Claro NXT Telecomunicacoes Ltda', 'BR', 'SA', 'LACNIC'],
];

/** Fixed reference time (2025-01-01T00:00:00Z) so default data never depends on the clock. */
const REFERENCE_EPOCH_S = 1_735_689_600;

function vtError(status: number, code: string, message: string): FakeResponse {
  return { status, body: { error: { code, message } } };
}

function expandIpv6(ip: string): string[] {
  const [head = '', tail = ''] = ip.split('::');
  const left = head ? head.split(':') : [];
  const right = ip.includes('::') && tail ? tail.split(':') : [];
  const missing = ip.includes('::') ? 8 - left.length - right.length : 0;
  return [...left, ...Array<string>(missing).fill('0'), ...right];
}

function networkOf(ip: string): string {
  if (isIP(ip) === 4) return `${ip.split('.').slice(0, 3).join('.')}.0/24`;
  return `${expandIpv6(ip).slice(0, 3).join(':')}::/48`;
}

function pick<T>(items: readonly T[], n: number): T {
  const item = items[n % items.length];
  if (item === undefined) throw new Error('pick() from an empty list');
  return item;
}

/** Deterministic clean verdict for an IP nobody configured: same IP, same answer, every run. */
export function defaultIpAttributes(ip: string): VtIpAttributes {
  const h = createHash('sha256').update(ip).digest();
  const byte = (i: number): number => h[i] ?? 0;
  const [asn, asOwner, country, continent, rir] = pick(OWNERS, byte(2));
  const analysed = REFERENCE_EPOCH_S - (byte(3) * 256 + byte(4)) * 60;
  return {
    last_analysis_stats: { harmless: 60 + (byte(0) % 11), malicious: 0, suspicious: 0, undetected: 20 + (byte(1) % 9), timeout: 0 },
    reputation: 0,
    asn,
    as_owner: asOwner,
    country,
    network: networkOf(ip),
    last_analysis_date: analysed,
    last_modification_date: analysed + 3600,
    tags: [],
    total_votes: { harmless: byte(5) % 4, malicious: 0 },
    regional_internet_registry: rir,
    continent,
  };
}

export class VirusTotalFake extends HttpFake {
  readonly name = 'virustotal';
  readonly apiKey: string;

  private overrides = new Map<string, VtIpOverrides>();
  private notFound = new Set<string>();
  private lookupCounts = new Map<string, number>();

  constructor(options: VirusTotalFakeOptions) {
    super(options);
    this.apiKey = options.apiKey;
  }

  /** The base URL a VT client should use (`.../api/v3`). */
  get apiBaseUrl(): string {
    return `${this.url}/api/v3`;
  }

  /** Configure the attributes for an IP (merged over the deterministic default). Clears `setNotFound`. */
  setIp(ip: string, attributes: VtIpOverrides): void {
    this.notFound.delete(ip);
    this.overrides.set(ip, attributes);
  }

  /** Make lookups of `ip` answer 404 NotFoundError. */
  setNotFound(ip: string): void {
    this.overrides.delete(ip);
    this.notFound.add(ip);
  }

  /** Authenticated, well-formed lookups that reached the data (200 or 404 NotFound), for one IP or all. */
  lookups(ip?: string): number {
    if (ip !== undefined) return this.lookupCounts.get(ip) ?? 0;
    let total = 0;
    for (const n of this.lookupCounts.values()) total += n;
    return total;
  }

  /** The attributes a lookup of `ip` returns right now. */
  attributesFor(ip: string): VtIpAttributes & Record<string, unknown> {
    const base = defaultIpAttributes(ip);
    const o = this.overrides.get(ip) ?? {};
    return {
      ...base,
      ...o,
      last_analysis_stats: { ...base.last_analysis_stats, ...o.last_analysis_stats },
      total_votes: { ...base.total_votes, ...o.total_votes },
    } as VtIpAttributes & Record<string, unknown>;
  }

  protected override async handle(req: FakeRequest): Promise<FakeResponse> {
    const key = req.headers['x-apikey'];
    if (key === undefined) return vtError(401, 'AuthenticationRequiredError', 'X-Apikey header is missing');
    if (key !== this.apiKey) return vtError(401, 'WrongCredentialsError', 'The provided API key is incorrect.');

    const match = IP_PATH.exec(req.path);
    if (!match || req.method !== 'GET') return vtError(404, 'NotFoundError', `Resource not found: ${req.method} ${req.path}`);
    const ip = decodeURIComponent(match[1] ?? '');
    if (isIP(ip) === 0) return vtError(400, 'InvalidArgumentError', `"${ip}" is not a valid IP address`);

    this.lookupCounts.set(ip, (this.lookupCounts.get(ip) ?? 0) + 1);
    if (this.notFound.has(ip)) return vtError(404, 'NotFoundError', `IP address "${ip}" not found`);
    return {
      status: 200,
      body: {
        data: {
          id: ip,
          type: 'ip_address',
          links: { self: `${this.apiBaseUrl}/ip_addresses/${ip}` },
          attributes: this.attributesFor(ip),
        },
      },
    };
  }

  protected override faultBody(status: number): object {
    if (status === 429) return { error: { code: 'QuotaExceededError', message: 'Quota exceeded' } };
    if (status === 503) return { error: { code: 'TransientError', message: 'Retry might work' } };
    if (status === 504) return { error: { code: 'DeadlineExceededError', message: 'Deadline exceeded' } };
    return { error: { code: 'InternalError', message: `Injected HTTP ${status}` } };
  }

  protected override resetState(): void {
    this.overrides.clear();
    this.notFound.clear();
    this.lookupCounts.clear();
  }

  override snapshot(): object {
    return {
      overrides: Object.fromEntries(this.overrides),
      notFound: [...this.notFound],
      lookups: Object.fromEntries(this.lookupCounts),
    };
  }
}
