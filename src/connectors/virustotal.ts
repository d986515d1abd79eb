/**
 * VirusTotal v3 IP reputation (reference/apis.md §1). Answers are summarized to the counts an analyst
 * reads; the raw report never leaves this module.
 */
import { z } from 'zod';
import type { IpReputation } from '../domain/enrichment';
import { ProviderError, categoryForStatus, parseRetryAfter, requestJson } from './http';

const StatsSchema = z.looseObject({
  malicious: z.number().optional(),
  suspicious: z.number().optional(),
  harmless: z.number().optional(),
  undetected: z.number().optional(),
  timeout: z.number().optional(),
});

const IpObjectSchema = z.object({
  data: z.object({
    id: z.string().optional(),
    attributes: z
      .looseObject({
        last_analysis_stats: StatsSchema.optional(),
        reputation: z.number().optional(),
        asn: z.number().optional(),
        as_owner: z.string().optional(),
        country: z.string().optional(),
        last_analysis_date: z.number().optional(),
      })
      .optional(),
  }),
});

const ErrorSchema = z.object({ error: z.object({ code: z.string().optional(), message: z.string().optional() }) });

export interface VirusTotalOptions {
  apiKey: string;
  baseUrl: string;
  timeoutMs?: number;
}

export function virusTotalGuiLink(ip: string): string {
  return `https://www.virustotal.com/gui/ip-address/${encodeURIComponent(ip)}`;
}

export function summarizeIpObject(ip: string, body: unknown): IpReputation {
  const parsed = IpObjectSchema.safeParse(body);
  if (!parsed.success) throw new ProviderError('VirusTotal', 'VirusTotal answered with an unexpected body');
  const a = parsed.data.data.attributes ?? {};
  const s = a.last_analysis_stats ?? {};
  const malicious = s.malicious ?? 0;
  const suspicious = s.suspicious ?? 0;
  const harmless = s.harmless ?? 0;
  const undetected = s.undetected ?? 0;
  return {
    ip,
    provider: 'virustotal',
    found: true,
    malicious,
    suspicious,
    harmless,
    undetected,
    engines: malicious + suspicious + harmless + undetected,
    reputation: a.reputation,
    asn: a.asn,
    asOwner: a.as_owner?.slice(0, 200),
    country: a.country?.slice(0, 8),
    lastAnalysis: a.last_analysis_date ? new Date(a.last_analysis_date * 1000).toISOString() : undefined,
    link: virusTotalGuiLink(ip),
  };
}

export class VirusTotalClient {
  constructor(private readonly options: VirusTotalOptions) {}

  async ipReputation(ip: string, signal?: AbortSignal): Promise<IpReputation> {
    const url = `${this.options.baseUrl}/ip_addresses/${encodeURIComponent(ip)}`;
    const res = await requestJson('VirusTotal', url, {
      method: 'GET',
      headers: { 'x-apikey': this.options.apiKey, accept: 'application/json' },
      timeoutMs: this.options.timeoutMs ?? 8000,
      signal,
    });
    if (res.status === 200) return summarizeIpObject(ip, res.body);
    const error = ErrorSchema.safeParse(res.body);
    const code = error.success ? error.data.error.code : undefined;
    if (res.status === 404 && code === 'NotFoundError') {
      return { ip, provider: 'virustotal', found: false, malicious: 0, suspicious: 0, harmless: 0, undetected: 0, engines: 0, link: virusTotalGuiLink(ip) };
    }
    const what = `VirusTotal answered HTTP ${res.status}${code ? ` ${code}` : ''}`;
    const category = categoryForStatus(res.status);
    const hint = category === 'config' ? ': check VIRUSTOTAL_API_KEY' : category === 'rate_limit' ? ' (rate limited)' : '';
    throw new ProviderError('VirusTotal', `${what}${hint}`, {
      category,
      status: res.status,
      code,
      retryAfterMs: parseRetryAfter(res.headers.get('retry-after')),
    });
  }
}
