/**
 * Panther's public API (reference/panther.md §2): GraphQL at `…/public/graphql` and the REST routes on the
 * same host, both with `X-API-Key`. GraphQL errors (`{"errors": [...]}` with HTTP 200, classified in
 * error-category.ts) and HTTP errors become ProviderErrors with a category; the key never appears in a message.
 */
import { ProviderError, categoryForStatus, parseRetryAfter, requestJson } from '../http';
import { categoryForGraphqlErrors, type GraphqlError } from './error-category';

export interface PantherClientOptions {
  apiUrl: string;
  apiToken: string;
  timeoutMs?: number;
}

interface GraphqlResponse<T> {
  data?: T | null;
  errors?: GraphqlError[];
}

export class PantherClient {
  readonly restBase: string;
  /** The longest one request can take. */
  readonly timeoutMs: number;

  constructor(private readonly options: PantherClientOptions) {
    this.timeoutMs = options.timeoutMs ?? 15_000;
    // MCP derives the REST base the same way: the GraphQL URL without /public/graphql.
    this.restBase = options.apiUrl.replace(/\/public\/graphql\/?$/, '').replace(/\/+$/, '');
  }

  async graphql<T>(query: string, variables: Record<string, unknown>, signal?: AbortSignal): Promise<T> {
    const res = await requestJson('Panther', this.options.apiUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json', 'x-api-key': this.options.apiToken },
      body: JSON.stringify({ query, variables }),
      timeoutMs: this.timeoutMs,
      signal,
    });
    const body = (res.body ?? {}) as GraphqlResponse<T>;
    if (res.status !== 200) throw this.httpError(res.status, res.headers, body.errors?.[0]?.message);
    if (body.errors?.length) {
      const message = body.errors.map((e) => e.message ?? 'error').join('; ').slice(0, 500);
      const { category, unrecognized } = categoryForGraphqlErrors(body.errors);
      const what = category === 'invalid_request' ? 'rejected the request' : 'answered with an error';
      const hint = category === 'config' ? ' (check PANTHER_API_TOKEN and its permissions)' : '';
      throw new ProviderError('Panther', `Panther ${what}: ${message}${hint}`, { category, unrecognized, retryAfterMs: parseRetryAfter(res.headers.get('retry-after')) });
    }
    if (body.data == null) throw new ProviderError('Panther', 'Panther answered without data');
    return body.data;
  }

  async rest(method: 'GET' | 'POST' | 'PATCH', path: string, body?: unknown, signal?: AbortSignal): Promise<unknown> {
    const res = await requestJson('Panther', `${this.restBase}${path}`, {
      method,
      headers: { accept: 'application/json', 'x-api-key': this.options.apiToken, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
      timeoutMs: this.timeoutMs,
      signal,
    });
    if (res.status >= 200 && res.status < 300) return res.body;
    throw this.httpError(res.status, res.headers, (res.body as { message?: string } | undefined)?.message);
  }

  private httpError(status: number, headers: Headers, detail?: string): ProviderError {
    const category = categoryForStatus(status);
    const hint = category === 'config' ? ' (check PANTHER_API_TOKEN and its permissions)' : '';
    return new ProviderError('Panther', `Panther answered HTTP ${status}${detail ? `: ${detail.slice(0, 300)}` : ''}${hint}`, {
      category,
      status,
      retryAfterMs: parseRetryAfter(headers.get('retry-after')),
    });
  }
}
