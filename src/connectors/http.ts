/**
 * A fetch wrapper for vendor APIs: a per-request timeout, and errors that carry what retry logic needs
 * (HTTP status, the server's Retry-After) without the request's credentials.
 */
/**
 * How a vendor failure should be treated. Activities decide what each category means for them (an
 * enrichment gives up on `auth`; a ticket delivery keeps retrying until the operator fixes the token).
 */
export type FailureCategory =
  /** 429 / quota: retry after `retryAfterMs`. */
  | 'rate_limit'
  /** Bad or missing credentials, missing scope, unknown channel/project: the operator must fix config. */
  | 'config'
  /** The request itself is wrong (4xx): retrying the same request cannot help. */
  | 'invalid_request'
  /** 5xx, timeouts, network: retry with backoff. */
  | 'transient';

export class ProviderError extends Error {
  override name = 'ProviderError';
  readonly category: FailureCategory;
  constructor(
    readonly provider: string,
    message: string,
    readonly details: {
      category?: FailureCategory;
      /** HTTP status, when the provider answered. */
      status?: number;
      /** The provider's error code (e.g. VirusTotal's QuotaExceededError, Slack's channel_not_found). */
      code?: string;
      /** From Retry-After, when the provider sent one. */
      retryAfterMs?: number;
      /** An error code this connector does not know: retried for a while, then taken as a refusal. */
      unrecognized?: boolean;
    } = {},
  ) {
    super(message);
    this.category = details.category ?? 'transient';
  }
}

/** The usual mapping of an HTTP status to a failure category. */
export function categoryForStatus(status: number): FailureCategory {
  if (status === 429) return 'rate_limit';
  if (status === 401 || status === 403) return 'config';
  if (status >= 400 && status < 500 && status !== 408 && status !== 409) return 'invalid_request';
  return 'transient';
}

/** Retry-After is seconds or an HTTP date (RFC 9110 §10.2.3). */
export function parseRetryAfter(value: string | null | undefined, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

export interface HttpResponse {
  status: number;
  headers: Headers;
  body: unknown;
  text: string;
}

/** The largest answer read from a provider (a Panther results page of full events is ~2 MB). */
export const MAX_BODY_BYTES = 16 * 1_048_576;

/** The body as text, or undefined once it passes `max` bytes (the rest is not read). */
async function boundedText(response: Response, max: number): Promise<string | undefined> {
  if (Number(response.headers.get('content-length') ?? 0) > max) {
    await response.body?.cancel();
    return undefined;
  }
  if (!response.body) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of response.body) {
    size += chunk.byteLength;
    if (size > max) return undefined; // leaving the loop cancels the stream
    chunks.push(chunk);
  }
  // As response.text() decodes: UTF-8, a BOM dropped, malformed bytes replaced.
  return new TextDecoder().decode(Buffer.concat(chunks));
}

export async function requestJson(
  provider: string,
  url: string,
  init: RequestInit & { timeoutMs: number; signal?: AbortSignal },
): Promise<HttpResponse> {
  const { timeoutMs, signal, ...rest } = init;
  const timeout = AbortSignal.timeout(timeoutMs);
  let response: Response;
  try {
    response = await fetch(url, { ...rest, redirect: 'error', signal: signal ? AbortSignal.any([signal, timeout]) : timeout });
  } catch (err) {
    if (timeout.aborted) throw new ProviderError(provider, `${provider} did not answer within ${timeoutMs} ms`);
    // A network failure carries its reason in `cause`. A TypeError without one is fetch refusing to build the
    // request, and its message quotes the offending header — an API key: never pass that on.
    if (err instanceof TypeError && !(err.cause instanceof Error)) {
      throw new ProviderError(provider, `${provider} request could not be sent: an invalid header value (check the API key's value)`, { category: 'config' });
    }
    const cause = err instanceof Error ? (err.cause instanceof Error ? err.cause.message : err.message) : String(err);
    // An API answering with a redirect is a wrong base URL (http:// for https://, a console URL for the
    // API's): retrying cannot fix it.
    if (/redirect/i.test(cause)) {
      throw new ProviderError(provider, `${provider} answered with a redirect: check its base URL (${cause})`, { category: 'config' });
    }
    throw new ProviderError(provider, `${provider} unreachable: ${cause}`);
  }
  let text: string | undefined;
  try {
    text = await boundedText(response, MAX_BODY_BYTES);
  } catch {
    throw new ProviderError(provider, `${provider} did not answer within ${timeoutMs} ms`, { status: response.status });
  }
  if (text === undefined) {
    // No answer of the APIs we call comes near this: a wrong base URL streaming something else, which
    // would otherwise fill the worker's memory for as long as the timeout allows. An error status (a
    // proxy's huge 503 page) keeps its own meaning.
    const huge = `${provider} answered HTTP ${response.status} with more than ${MAX_BODY_BYTES / 1_048_576} MiB`;
    if (!response.ok) throw new ProviderError(provider, huge, { category: categoryForStatus(response.status), status: response.status });
    throw new ProviderError(provider, `${huge}: check its base URL (${new URL(url).origin})`, { category: 'config', status: response.status });
  }
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    // Success with a page that is not JSON (a console's or a proxy's HTML): the base URL is not the API's,
    // which no retry fixes. An error status keeps its own meaning.
    if (response.ok) {
      const type = response.headers.get('content-type')?.split(';')[0] ?? 'no content type';
      throw new ProviderError(provider, `${provider} answered HTTP ${response.status} with a body that is not JSON (${type}): check its base URL (${new URL(url).origin})`, {
        category: 'config',
        status: response.status,
      });
    }
    body = undefined;
  }
  return { status: response.status, headers: response.headers, body, text };
}
