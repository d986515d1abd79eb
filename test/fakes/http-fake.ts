/**
 * Base class for the HTTP fakes of third-party APIs (VirusTotal, Slack, Jira).
 *
 * Built on bare `node:http` so that latency, hangs and dropped connections are fully under the test's
 * control. Every request is recorded; injected faults replace (or delay, or follow) the real handler.
 * Control endpoints under `/_fake/` (state, reset, faults, latency) make a running fake scriptable from
 * another process; they are neither recorded nor delayed nor subject to faults.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';

/** What a handler sees of a request. `query` values are arrays only when the key is repeated. */
export interface FakeRequest {
  method: string;
  path: string;
  query: Record<string, string | string[]>;
  /** Lower-cased names; repeated headers joined with ", ". */
  headers: Record<string, string>;
  body: string;
  /** `Date.now()` when the request arrived. */
  at: number;
}

/** A recorded request, plus how it was answered. */
export interface RecordedRequest extends FakeRequest {
  /** HTTP status sent; undefined while pending, or if the connection was dropped / never answered. */
  status?: number;
  /** True when an injected fault decided the outcome. */
  faulted?: boolean;
}

export interface FakeResponse {
  status: number;
  headers?: Record<string, string>;
  /** An object is sent as JSON; a string as is; undefined as an empty body. */
  body?: string | object;
}

export interface Fault {
  /** Consumed only by a request this returns true for (and that passes `method`/`path`, if set). */
  match?: (req: FakeRequest) => boolean;
  /** Serializable matchers, usable from `POST /_fake/faults`. `path` is exact; `pathRegex` a RegExp source. */
  method?: string;
  path?: string;
  pathRegex?: string;
  /** Reply with this status (plus `headers`/`body`) instead of the handler's result. */
  status?: number;
  headers?: Record<string, string>;
  /** Defaults to the fake's realistic error body for `status`. */
  body?: string | object;
  /** Don't answer for this long (Infinity = until the client gives up or the fake stops). */
  hangMs?: number;
  /**
   * Don't answer until this settles (after `hangMs`, if both): for a test that must act while the
   * request is in flight, however slow the machine. Not serializable.
   */
  holdUntil?: Promise<unknown>;
  /** Destroy the connection instead of answering (the client sees a socket error). */
  reset?: boolean;
  /**
   * Run the real handler first (its side effects happen), then hang/fail/reset instead of returning
   * its result: an ambiguous timeout. With only a finite `hangMs`, the real result is sent late.
   */
  afterHandling?: boolean;
}

export interface HttpFakeOptions {
  latencyMs?: number;
  /** Keep at most this many records in `requests` (oldest dropped), so long benchmarks stay bounded. Default 10 000. */
  maxRecordedRequests?: number;
}

/** JSON form of a fault for `POST /_fake/faults` (`hangMs: "Infinity"` since JSON has no Infinity). */
const SerializableFault = z.object({
  method: z.string().optional(),
  path: z.string().optional(),
  pathRegex: z.string().optional(),
  status: z.number().int().min(100).max(599).optional(),
  headers: z.record(z.string(), z.string()).optional(),
  body: z.union([z.string(), z.record(z.string(), z.unknown()), z.array(z.unknown())]).optional(),
  hangMs: z.union([z.number().min(0), z.literal('Infinity')]).optional(),
  reset: z.boolean().optional(),
  afterHandling: z.boolean().optional(),
});
const SerializableFaults = z.array(SerializableFault);

/** True once `until` settles; false if the signal aborts first. */
function held(until: Promise<unknown>, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const onAbort = (): void => resolve(false);
    signal.addEventListener('abort', onAbort, { once: true });
    void until.then(
      () => true,
      () => true,
    ).then((settled) => {
      signal.removeEventListener('abort', onAbort);
      resolve(settled);
    });
  });
}

/** Resolves true after `ms`, or false as soon as `signal` aborts. Infinity waits for the signal only. */
export function wait(ms: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return Promise.resolve(false);
  if (ms <= 0) return Promise.resolve(true);
  return new Promise((resolve) => {
    // setTimeout clamps delays above 2^31-1 ms to 1 ms, so very long hangs rely on the signal alone.
    const timer = ms < 2 ** 31 - 1 ? setTimeout(() => done(true), ms) : undefined;
    const onAbort = (): void => done(false);
    function done(completed: boolean): void {
      if (timer) clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      resolve(completed);
    }
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/** `JSON.parse` that reports failure as undefined instead of throwing. */
export function tryParseJson(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false };
  }
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function parseQuery(params: URLSearchParams): Record<string, string | string[]> {
  const query: Record<string, string | string[]> = {};
  for (const key of new Set(params.keys())) {
    const values = params.getAll(key);
    query[key] = values.length === 1 ? (values[0] ?? '') : values;
  }
  return query;
}

function flattenHeaders(raw: http.IncomingHttpHeaders): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(raw)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return headers;
}

async function readBody(req: http.IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}

function hasHeader(headers: Record<string, string>, name: string): boolean {
  return Object.keys(headers).some((h) => h.toLowerCase() === name.toLowerCase());
}

export abstract class HttpFake {
  readonly requests: RecordedRequest[] = [];
  /** Every API request received since the last reset, including records dropped by `maxRecordedRequests`. */
  requestCount = 0;
  latencyMs: number;

  private readonly initialLatencyMs: number;
  private readonly maxRecordedRequests: number;
  private faults: Fault[] = [];
  private server: http.Server | undefined;
  private stopping = new AbortController();
  private baseUrl: string | undefined;

  constructor(options: HttpFakeOptions = {}) {
    this.latencyMs = options.latencyMs ?? 0;
    this.initialLatencyMs = this.latencyMs;
    this.maxRecordedRequests = options.maxRecordedRequests ?? 10_000;
  }

  /** Short name used in logs and `/_fake/state`. */
  abstract readonly name: string;

  /** Answer one (non-control) request. Throwing produces a 500. */
  protected abstract handle(req: FakeRequest): Promise<FakeResponse>;

  /** Forget all API state (messages, issues, counters...). */
  protected abstract resetState(): void;

  /** JSON-serializable view of the API state, for `GET /_fake/state`. */
  abstract snapshot(): unknown;

  /** Realistic error body for an injected fault status with no explicit body. */
  protected faultBody(status: number): string | object {
    return { error: `injected fault (HTTP ${status})` };
  }

  /** The base URL once started, e.g. `http://127.0.0.1:4010`. */
  get url(): string {
    if (this.baseUrl === undefined) throw new Error(`${this.name} fake is not started`);
    return this.baseUrl;
  }

  async start(port = 0): Promise<string> {
    if (this.server) throw new Error(`${this.name} fake is already started`);
    this.stopping = new AbortController();
    const server = http.createServer((req, res) => void this.onRequest(req, res));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.server = server;
    this.baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return this.baseUrl;
  }

  /** Closes the server and destroys every open socket, including keep-alive and hanging ones. */
  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    this.stopping.abort();
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeAllConnections();
    await closed;
  }

  /** Queue faults; each is consumed by the first later request it matches. */
  injectFaults(...faults: Fault[]): void {
    this.faults.push(...faults);
  }

  get pendingFaults(): number {
    return this.faults.length;
  }

  /** Clear recorded requests, queued faults and API state; latency goes back to its initial value. */
  reset(): void {
    this.requests.length = 0;
    this.requestCount = 0;
    this.faults = [];
    this.latencyMs = this.initialLatencyMs;
    this.resetState();
  }

  private async onRequest(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const at = Date.now();
    try {
      const body = await readBody(req);
      const url = new URL(req.url ?? '/', 'http://fake.invalid');
      const request: RecordedRequest = {
        method: req.method ?? 'GET',
        path: url.pathname,
        query: parseQuery(url.searchParams),
        headers: flattenHeaders(req.headers),
        body,
        at,
      };
      if (request.path.startsWith('/_fake/')) {
        this.send(res, this.control(request));
        return;
      }
      this.record(request);
      await this.serve(request, res);
    } catch (err) {
      if (!res.headersSent && !res.destroyed) {
        this.send(res, { status: 500, body: { error: err instanceof Error ? err.message : String(err) } });
      }
    }
  }

  private record(request: RecordedRequest): void {
    this.requestCount++;
    this.requests.push(request);
    if (this.requests.length > this.maxRecordedRequests) this.requests.shift();
  }

  /** Applies the matching fault (if any), latency, and the handler, then answers. */
  private async serve(request: RecordedRequest, res: http.ServerResponse): Promise<void> {
    const signal = this.requestSignal(res);
    const fault = this.takeFault(request);
    if (fault) request.faulted = true;

    let result = fault?.afterHandling ? await this.handle(request) : undefined;
    if (fault?.hangMs !== undefined && !(await wait(fault.hangMs, signal))) {
      res.destroy();
      return;
    }
    if (fault?.holdUntil && !(await held(fault.holdUntil, signal))) {
      res.destroy();
      return;
    }
    if (fault?.reset) {
      res.destroy();
      return;
    }
    if (fault?.status !== undefined) {
      result = { status: fault.status, headers: fault.headers, body: fault.body ?? this.faultBody(fault.status) };
    }
    result ??= await this.handle(request);
    if (!(await wait(this.latencyMs, signal))) {
      res.destroy();
      return;
    }
    request.status = result.status;
    this.send(res, result);
  }

  /** Aborts when the fake stops or the client goes away before we answered. */
  private requestSignal(res: http.ServerResponse): AbortSignal {
    const clientGone = new AbortController();
    res.once('close', () => {
      if (!res.writableFinished) clientGone.abort();
    });
    return AbortSignal.any([this.stopping.signal, clientGone.signal]);
  }

  private takeFault(req: FakeRequest): Fault | undefined {
    const index = this.faults.findIndex((f) => faultMatches(f, req));
    if (index < 0) return undefined;
    return this.faults.splice(index, 1)[0];
  }

  private send(res: http.ServerResponse, result: FakeResponse): void {
    if (res.destroyed) return;
    const headers: Record<string, string> = { ...result.headers };
    let payload = '';
    if (typeof result.body === 'string') {
      payload = result.body;
      if (!hasHeader(headers, 'content-type')) headers['content-type'] = 'text/plain; charset=utf-8';
    } else if (result.body !== undefined) {
      payload = JSON.stringify(result.body);
      if (!hasHeader(headers, 'content-type')) headers['content-type'] = 'application/json; charset=utf-8';
    }
    headers['content-length'] = String(Buffer.byteLength(payload));
    res.writeHead(result.status, headers);
    res.end(payload);
  }

  private control(req: FakeRequest): FakeResponse {
    const route = `${req.method} ${req.path}`;
    switch (route) {
      case 'GET /_fake/state':
        return { status: 200, body: this.stateReport() };
      case 'POST /_fake/reset':
        this.reset();
        return { status: 200, body: { ok: true } };
      case 'POST /_fake/faults':
        return this.controlFaults(req.body);
      case 'POST /_fake/latency':
        return this.controlLatency(req.body);
      default:
        return { status: 404, body: { error: `unknown control route ${route}` } };
    }
  }

  private stateReport(): object {
    return {
      fake: this.name,
      url: this.baseUrl,
      latencyMs: this.latencyMs,
      requestCount: this.requestCount,
      pendingFaults: this.faults.length,
      requests: this.requests,
      state: this.snapshot(),
    };
  }

  private controlFaults(body: string): FakeResponse {
    const json = tryParseJson(body);
    const parsed = json.ok ? SerializableFaults.safeParse(json.value) : undefined;
    if (!parsed?.success) {
      return { status: 400, body: { error: 'expected a JSON array of faults', issues: parsed?.error.issues } };
    }
    this.injectFaults(...parsed.data.map((f) => ({ ...f, hangMs: f.hangMs === 'Infinity' ? Infinity : f.hangMs })));
    return { status: 200, body: { ok: true, queued: parsed.data.length, pendingFaults: this.faults.length } };
  }

  private controlLatency(body: string): FakeResponse {
    const json = tryParseJson(body);
    const ms = json.ok && isRecord(json.value) ? json.value['ms'] : undefined;
    if (typeof ms !== 'number' || ms < 0) return { status: 400, body: { error: 'expected {"ms": <number >= 0>}' } };
    this.latencyMs = ms;
    return { status: 200, body: { ok: true, latencyMs: ms } };
  }
}

function faultMatches(fault: Fault, req: FakeRequest): boolean {
  if (fault.method !== undefined && fault.method.toUpperCase() !== req.method) return false;
  if (fault.path !== undefined && fault.path !== req.path) return false;
  if (fault.pathRegex !== undefined && !new RegExp(fault.pathRegex).test(req.path)) return false;
  return fault.match ? fault.match(req) : true;
}
