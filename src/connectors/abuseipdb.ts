/**
 * AbuseIPDB v2 CHECK (reference/apis.md §2.1). Answers are summarized to the fields an analyst reads;
 * the raw report never leaves this module.
 */
import { isIP } from 'node:net';
import { z } from 'zod';
import type { AbuseIpReport } from '../domain/enrichment';
import { ProviderError, categoryForStatus, parseRetryAfter, requestJson } from './http';

const PROVIDER = 'AbuseIPDB';

/** Every field may be missing or null (reference §2.1: the nullable ones are nullable in the schema). */
const optionalString = z.string().nullish();
const CheckSchema = z.object({
  data: z.looseObject({
    ipAddress: optionalString,
    abuseConfidenceScore: z.number().nullish(),
    totalReports: z.number().nullish(),
    numDistinctUsers: z.number().nullish(),
    lastReportedAt: optionalString,
    countryCode: optionalString,
    usageType: optionalString,
    isp: optionalString,
    domain: optionalString,
    isTor: z.boolean().nullish(),
    isWhitelisted: z.boolean().nullish(),
  }),
});

const ErrorSchema = z.object({
  errors: z.array(z.looseObject({ detail: z.string().optional(), status: z.number().optional() })),
});

export interface AbuseIpdbOptions {
  apiKey: string;
  /** Default `https://api.abuseipdb.com/api/v2`. */
  baseUrl?: string;
  timeoutMs?: number;
  /** How far back reports count, 1–365 days. Default 90. */
  maxAgeInDays?: number;
}

export const ABUSEIPDB_DEFAULT_BASE_URL = 'https://api.abuseipdb.com/api/v2';

export function abuseIpdbLink(ip: string): string {
  return `https://www.abuseipdb.com/check/${encodeURIComponent(ip)}`;
}

const text = (v: string | null | undefined, max = 200): string | undefined => (v ? v.slice(0, max) : undefined);

export function summarizeAbuseCheck(ip: string, body: unknown): AbuseIpReport {
  const parsed = CheckSchema.safeParse(body);
  if (!parsed.success) throw new ProviderError(PROVIDER, `${PROVIDER} answered with an unexpected body`);
  const d = parsed.data.data;
  return {
    ip,
    provider: 'abuseipdb',
    abuseConfidenceScore: d.abuseConfidenceScore ?? 0,
    totalReports: d.totalReports ?? 0,
    distinctReporters: d.numDistinctUsers ?? 0,
    lastReportedAt: text(d.lastReportedAt, 40),
    countryCode: text(d.countryCode, 8),
    usageType: text(d.usageType),
    isp: text(d.isp),
    domain: text(d.domain),
    isTor: d.isTor ?? false,
    isWhitelisted: d.isWhitelisted ?? undefined,
    link: abuseIpdbLink(ip),
  };
}

/** The first `errors[].detail` of an AbuseIPDB error body, shortened for a ticket line. */
function errorDetail(body: unknown): string | undefined {
  const parsed = ErrorSchema.safeParse(body);
  if (!parsed.success) return undefined;
  const detail = parsed.data.errors.find((e) => e.detail)?.detail;
  return detail ? detail.slice(0, 300) : undefined;
}

export class AbuseIpdbClient {
  private readonly baseUrl: string;
  private readonly maxAgeInDays: number;

  constructor(private readonly options: AbuseIpdbOptions) {
    this.baseUrl = (options.baseUrl ?? ABUSEIPDB_DEFAULT_BASE_URL).replace(/\/+$/, '');
    const days = options.maxAgeInDays ?? 90;
    if (!Number.isInteger(days) || days < 1 || days > 365) {
      throw new ProviderError(PROVIDER, `${PROVIDER} maxAgeInDays must be an integer from 1 to 365, got ${days}`, { category: 'config' });
    }
    this.maxAgeInDays = days;
  }

  async check(ip: string, signal?: AbortSignal): Promise<AbuseIpReport> {
    if (isIP(ip) === 0) {
      throw new ProviderError(PROVIDER, `${PROVIDER} checks IP addresses only; "${ip.slice(0, 64)}" is not one`, { category: 'invalid_request' });
    }
    const query = new URLSearchParams({ ipAddress: ip, maxAgeInDays: String(this.maxAgeInDays) });
    const res = await requestJson(PROVIDER, `${this.baseUrl}/check?${query.toString()}`, {
      method: 'GET',
      headers: { Key: this.options.apiKey, Accept: 'application/json' },
      timeoutMs: this.options.timeoutMs ?? 8000,
      signal,
    });
    if (res.status === 200) return summarizeAbuseCheck(ip, res.body);
    const detail = errorDetail(res.body);
    const category = categoryForStatus(res.status);
    const hint = category === 'config' ? ': check ABUSEIPDB_API_KEY' : category === 'rate_limit' ? ' (rate limited)' : '';
    throw new ProviderError(PROVIDER, `${PROVIDER} answered HTTP ${res.status}${hint}${detail ? `: ${detail}` : ''}`, {
      category,
      status: res.status,
      retryAfterMs: parseRetryAfter(res.headers.get('retry-after')),
    });
  }
}
