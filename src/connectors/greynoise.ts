/**
 * GreyNoise Community API v3 (reference/apis.md §2.2): is the IP a mass internet scanner (noise) or a
 * known-benign business service (RIOT)? IPv4 only. A 404 "IP not observed…" is an answer (found:false),
 * not an error. Answers are summarized; the raw body never leaves this module.
 */
import { isIP } from 'node:net';
import { z } from 'zod';
import type { GreyNoiseReport } from '../domain/enrichment';
import { ProviderError, categoryForStatus, parseRetryAfter, requestJson } from './http';

const PROVIDER = 'GreyNoise';

const optionalString = z.string().nullish();
const CommunitySchema = z.looseObject({
  ip: optionalString,
  noise: z.boolean().nullish(),
  riot: z.boolean().nullish(),
  classification: optionalString,
  name: optionalString,
  link: optionalString,
  last_seen: optionalString,
  message: optionalString,
});

/** 400/401/429 bodies: `{message}`, and on 429 also `{plan, "rate-limit", plan_url}`. */
const ErrorSchema = z.looseObject({
  message: optionalString,
  plan: optionalString,
  'rate-limit': optionalString,
});

export interface GreyNoiseOptions {
  /** Optional: without a key GreyNoise answers as the `unauthenticated` plan (about 100 lookups a day). */
  apiKey?: string;
  /** Default `https://api.greynoise.io/v3`. */
  baseUrl?: string;
  timeoutMs?: number;
}

export const GREYNOISE_DEFAULT_BASE_URL = 'https://api.greynoise.io/v3';

export function greyNoiseVizLink(ip: string): string {
  return `https://viz.greynoise.io/ip/${encodeURIComponent(ip)}`;
}

/** The provider's own link, if it is an https link into greynoise.io; otherwise the visualizer page. */
function safeLink(ip: string, link: string | null | undefined): string {
  if (link) {
    try {
      const url = new URL(link);
      if (url.protocol === 'https:' && (url.hostname === 'greynoise.io' || url.hostname.endsWith('.greynoise.io'))) return url.toString();
    } catch {
      // fall through to the default link
    }
  }
  return greyNoiseVizLink(ip);
}

const text = (v: string | null | undefined, max = 200): string | undefined => (v ? v.slice(0, max) : undefined);

export function summarizeCommunity(ip: string, body: unknown): GreyNoiseReport {
  const parsed = CommunitySchema.safeParse(body);
  if (!parsed.success) throw new ProviderError(PROVIDER, `${PROVIDER} answered with an unexpected body`);
  const b = parsed.data;
  return {
    ip,
    provider: 'greynoise',
    found: true,
    noise: b.noise ?? false,
    riot: b.riot ?? false,
    classification: text(b.classification, 40),
    name: text(b.name),
    lastSeen: text(b.last_seen, 40),
    link: safeLink(ip, b.link),
  };
}

/** True for GreyNoise's 404 answer for an IP it has never seen (as opposed to a 404 from a wrong base URL). */
function isNotObserved(body: unknown): boolean {
  const parsed = CommunitySchema.safeParse(body);
  if (!parsed.success) return false;
  const b = parsed.data;
  return /not observed/i.test(b.message ?? '') || (typeof b.noise === 'boolean' && typeof b.riot === 'boolean');
}

export class GreyNoiseClient {
  private readonly baseUrl: string;

  constructor(private readonly options: GreyNoiseOptions = {}) {
    this.baseUrl = (options.baseUrl ?? GREYNOISE_DEFAULT_BASE_URL).replace(/\/+$/, '');
  }

  async community(ip: string, signal?: AbortSignal): Promise<GreyNoiseReport> {
    const version = isIP(ip);
    if (version !== 4) {
      const why = version === 6 ? `GreyNoise covers IPv4 only; ${ip.slice(0, 64)} is IPv6` : `"${ip.slice(0, 64)}" is not an IPv4 address`;
      throw new ProviderError(PROVIDER, why, { category: 'invalid_request' });
    }
    const headers: Record<string, string> = { accept: 'application/json' };
    if (this.options.apiKey) headers['key'] = this.options.apiKey;
    const res = await requestJson(PROVIDER, `${this.baseUrl}/community/${encodeURIComponent(ip)}`, {
      method: 'GET',
      headers,
      timeoutMs: this.options.timeoutMs ?? 8000,
      signal,
    });
    if (res.status === 200) return summarizeCommunity(ip, res.body);
    if (res.status === 404 && isNotObserved(res.body)) {
      return { ip, provider: 'greynoise', found: false, noise: false, riot: false, link: greyNoiseVizLink(ip) };
    }
    const error = ErrorSchema.safeParse(res.body);
    const e = error.success ? error.data : {};
    const category = categoryForStatus(res.status);
    let what = `${PROVIDER} answered HTTP ${res.status}`;
    if (category === 'config') what += ': check GREYNOISE_API_KEY';
    if (category === 'rate_limit') {
      const plan = [e.plan ? `plan ${e.plan.slice(0, 40)}` : undefined, text(e['rate-limit'], 40)].filter(Boolean).join(', ');
      what += ` (rate limited${plan ? `; ${plan}` : ''})`;
    }
    if (res.status === 404) what += ' (not the community API: check the GreyNoise base URL)';
    const message = text(e.message, 300);
    throw new ProviderError(PROVIDER, message ? `${what}: ${message}` : what, {
      category,
      status: res.status,
      retryAfterMs: parseRetryAfter(res.headers.get('retry-after')),
    });
  }
}
