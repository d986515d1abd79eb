/**
 * Fake of the GreyNoise Community API v3 (reference/apis.md §2.2): `GET /v3/community/{ip}` with the
 * optional `key` header. A configured IP answers 200; any other routable IPv4 answers GreyNoise's 404
 * "IP not observed…" body (an answer, not an error); anything else is a 400. Point clients at
 * `apiBaseUrl` (`${url}/v3`).
 *
 * Auth: with `apiKey` set, a request carrying a different `key` gets 401; a request without `key` is
 * served as the `unauthenticated` plan, as GreyNoise does. Without `apiKey`, any key is accepted.
 */
import { isIP } from 'node:net';
import { HttpFake, type FakeRequest, type FakeResponse, type HttpFakeOptions } from './http-fake';

/** The community answer's body (200). */
export interface GreyNoiseCommunityAnswer {
  ip: string;
  noise: boolean;
  riot: boolean;
  classification: 'benign' | 'malicious' | 'unknown' | 'suspicious' | (string & {});
  name: string;
  link: string;
  last_seen: string;
  message: string;
}

export type GreyNoiseOverrides = Partial<GreyNoiseCommunityAnswer> & { [field: string]: unknown };

export interface GreyNoiseFakeOptions extends HttpFakeOptions {
  apiKey?: string;
}

export const GREYNOISE_NOT_OBSERVED_MESSAGE = 'IP not observed scanning the internet or contained in RIOT data set.';

/** GreyNoise's 429 for the unauthenticated plan (reference §2.2). */
export const GREYNOISE_RATE_LIMIT_BODY = {
  plan: 'unauthenticated',
  'rate-limit': '100-lookups/day',
  plan_url: 'https://greynoise.io/pricing',
  message: 'You have hit your daily rate limit of 100 requests per day. Please create a free account or upgrade your plan at https://greynoise.io/pricing.',
} as const;

const IP_PATH = /^\/v3\/community\/([^/]+)$/;

/** Not routable on the internet: 0/8, 10/8, 127/8, 169.254/16, 172.16/12, 192.168/16, 224/4 and above. */
function isRoutableIpv4(ip: string): boolean {
  const [a = 0, b = 0] = ip.split('.').map(Number);
  if (a === 0 || a === 10 || a === 127 || a >= 224) return false;
  if (a === 169 && b === 254) return false;
  if (a === 172 && b >= 16 && b <= 31) return false;
  return !(a === 192 && b === 168);
}

/** The 200 body for a configured IP: the overrides over a neutral default (noise and riot false). */
export function greyNoiseAnswer(ip: string, overrides: GreyNoiseOverrides = {}): GreyNoiseCommunityAnswer & Record<string, unknown> {
  const riot = overrides.riot ?? false;
  const noise = overrides.noise ?? false;
  return {
    noise,
    riot,
    classification: riot ? 'benign' : 'unknown',
    name: 'unknown',
    link: riot && !noise ? `https://viz.greynoise.io/riot/${ip}` : `https://viz.greynoise.io/ip/${ip}`,
    last_seen: '2025-01-01',
    message: 'Success',
    ...overrides,
    ip,
  };
}

export class GreyNoiseFake extends HttpFake {
  readonly name = 'greynoise';
  readonly apiKey: string | undefined;

  private overrides = new Map<string, GreyNoiseOverrides>();
  private lookupCounts = new Map<string, number>();

  constructor(options: GreyNoiseFakeOptions = {}) {
    super(options);
    this.apiKey = options.apiKey;
  }

  /** The base URL a GreyNoise client should use (`.../v3`). */
  get apiBaseUrl(): string {
    return `${this.url}/v3`;
  }

  /** Make `ip` known to GreyNoise (200), with these fields over a neutral default. */
  setIp(ip: string, answer: GreyNoiseOverrides): void {
    this.overrides.set(ip, answer);
  }

  /** Make `ip` unknown again (404 "not observed"). */
  forgetIp(ip: string): void {
    this.overrides.delete(ip);
  }

  /** Accepted lookups of a valid IPv4 (200 or the 404 answer), for one IP or all. */
  lookups(ip?: string): number {
    if (ip !== undefined) return this.lookupCounts.get(ip) ?? 0;
    let total = 0;
    for (const n of this.lookupCounts.values()) total += n;
    return total;
  }

  protected override async handle(req: FakeRequest): Promise<FakeResponse> {
    const key = req.headers['key'];
    if (this.apiKey !== undefined && key !== undefined && key !== this.apiKey) {
      return { status: 401, body: { message: 'Authentication failed: invalid API key.' } };
    }
    const match = IP_PATH.exec(req.path);
    if (!match || req.method !== 'GET') return { status: 404, body: { message: 'Not Found' } };
    let ip: string;
    try {
      ip = decodeURIComponent(match[1] ?? '');
    } catch {
      ip = '';
    }
    if (isIP(ip) !== 4 || !isRoutableIpv4(ip)) return { status: 400, body: { message: 'Request is not a valid routable IPv4 address' } };

    this.lookupCounts.set(ip, (this.lookupCounts.get(ip) ?? 0) + 1);
    const overrides = this.overrides.get(ip);
    if (!overrides) return { status: 404, body: { ip, noise: false, riot: false, message: GREYNOISE_NOT_OBSERVED_MESSAGE } };
    return { status: 200, body: greyNoiseAnswer(ip, overrides) };
  }

  protected override faultBody(status: number): object {
    if (status === 429) return { ...GREYNOISE_RATE_LIMIT_BODY };
    if (status === 401) return { message: 'Authentication failed: invalid API key.' };
    return { message: `Injected HTTP ${status}` };
  }

  protected override resetState(): void {
    this.overrides.clear();
    this.lookupCounts.clear();
  }

  override snapshot(): object {
    return { overrides: Object.fromEntries(this.overrides), lookups: Object.fromEntries(this.lookupCounts) };
  }
}
