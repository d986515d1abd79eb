/**
 * pino, pretty for people (a TTY or LOG_FORMAT=pretty) and JSON for machines. Token-like keys are
 * redacted in whatever a line logs (any case, any nesting up to REDACT_MAX_DEPTH, inside errors too), so
 * a logged config, header set or error object cannot leak a token.
 */
import { OutgoingMessage } from 'node:http';
import pino, { type DestinationStream, type Logger } from 'pino';
import pretty from 'pino-pretty';

export type { Logger };

export const REDACTED = '[redacted]';

/**
 * Keys whose values are credentials, in any case and with `-`/`_` separators: anything ending in token,
 * secret, password, api key, authorization or cookie (`botToken`, `X-Webhook-Secret`, `x-apikey`,
 * `Proxy-Authorization`, `Set-Cookie`), any signature (`X-Slack-Signature`, `X-Signature-256`), and a key
 * named just `key`/`keys` (AbuseIPDB's and GreyNoise's header, the codec's key list) — not `issueKey` or
 * `eventKey`, which are ids. A suffix also catches harmless names (`nextPageToken`): hiding those costs
 * less than missing a credential.
 */
const SECRET_KEY = /(?:token|secret|passw(?:or)?d|api[-_]?key|private[-_]?key|authorization|cookies?|signature(?:[-_]?256)?|codec[-_]?keys|^keys?)$/i;

/** Deeper than this is logged as is: enough for `err.config.headers.Authorization`, bounded for huge objects. */
export const REDACT_MAX_DEPTH = 10;

export function isSecretKey(key: string): boolean {
  return SECRET_KEY.test(key);
}

/**
 * `value` with every secret-keyed value replaced by `[redacted]`. Copy on write: objects without a secret
 * come back as the same reference, so the usual log line costs one key test per key and no allocation.
 * Walks arrays, plain objects and errors (copied with their prototype, so pino still serializes them as
 * errors), and class instances as they print (see redactInstance).
 */
export function redactSecrets<T>(value: T): T {
  return redact(value, 0, []) as T;
}

function redact(value: unknown, depth: number, ancestors: object[]): unknown {
  if (typeof value !== 'object' || value === null || depth >= REDACT_MAX_DEPTH) return value;
  // What pino's safe stringify prints for a cycle; returning the original would escape a redacted copy.
  if (ancestors.includes(value)) return '[Circular]';
  if (Array.isArray(value)) {
    ancestors.push(value);
    let copy: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      const next = redact(item, depth + 1, ancestors);
      if (next !== item) (copy ??= value.slice())[i] = next;
    }
    ancestors.pop();
    return copy ?? value;
  }
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null && !(value instanceof Error)) return redactInstance(value, depth, ancestors);
  const record = value as Record<string, unknown>;
  ancestors.push(value);
  let copy: Record<string, unknown> | undefined;
  // Enumerable keys only: they are all pino prints (an error's message, stack and cause go by name).
  for (const key of Object.keys(record)) {
    const item = record[key];
    const next = item !== undefined && item !== null && isSecretKey(key) ? REDACTED : redact(item, depth + 1, ancestors);
    if (next === item) continue;
    // Descriptors keep an error's non-enumerable message, stack and cause where they were.
    copy ??= Object.create(proto as object | null, Object.getOwnPropertyDescriptors(value)) as Record<string, unknown>;
    Object.defineProperty(copy, key, { value: next, writable: true, configurable: true, enumerable: true });
  }
  ancestors.pop();
  return copy ?? value;
}

/**
 * A class instance is logged as its serializer prints it. One with toJSON prints that (axios' AxiosHeaders,
 * with the Authorization of a failed Jira call), so the JSON is redacted instead. An outgoing HTTP request
 * (an axios error's `request`) prints its raw header block, credentials included: only its class is logged.
 * Anything else (sockets, clients, buffers, dates) is left alone.
 */
function redactInstance(value: object, depth: number, ancestors: object[]): unknown {
  if (value instanceof OutgoingMessage) return `[${value.constructor.name}]`;
  const toJSON = (value as { toJSON?: unknown }).toJSON;
  if (typeof toJSON !== 'function' || value instanceof Date || Buffer.isBuffer(value)) return value;
  let json: unknown;
  try {
    json = toJSON.call(value);
  } catch {
    return value;
  }
  const next = redact(json, depth, ancestors);
  return next === json ? value : next;
}

export interface LoggerOptions {
  name: string;
  level?: string;
  format?: 'pretty' | 'json';
  /** Where lines go (default stdout); tests pass a stream to read them. */
  destination?: DestinationStream;
}

/** pino's error serializer, keeping a Temporal failure's own `type` (`VirusTotal.transient`) that it would drop. */
function serializeError(value: unknown): unknown {
  const out = pino.stdSerializers.err(value as Error) as unknown;
  const own = (value as { type?: unknown } | null)?.type;
  return typeof own === 'string' && out && typeof out === 'object' ? { ...out, failureType: own } : out;
}

/**
 * Colour for pretty logs: `FORCE_COLOR` decides when set (`0` or `false` turn it off, as in Node and the
 * usual libraries), then `NO_COLOR` (https://no-color.org), then whether stdout is a terminal.
 */
export function wantsColor(env: NodeJS.ProcessEnv, isTTY: boolean): boolean {
  const force = env.FORCE_COLOR;
  if (force !== undefined) return !['0', 'false'].includes(force.trim().toLowerCase());
  if (env.NO_COLOR) return false;
  return isTTY;
}

export function createLogger({ name, level = 'info', format = 'json', destination }: LoggerOptions): Logger {
  // formatters.log sees each line's object before pino serializes it; a child logger's bindings are not
  // walked (pino only passes the root's through formatters.bindings), so bind no secrets to a child.
  // The Temporal SDK logs its failures ("Activity failed", a workflow activation that could not be
  // decoded) under `error`, not pino's `err`: serialized the same way, or they would print as `{}`.
  const options = {
    name,
    level,
    formatters: { log: (obj: Record<string, unknown>) => redactSecrets(obj) },
    serializers: { err: serializeError, error: serializeError },
  };
  if (format === 'pretty') {
    return pino(
      options,
      pretty({ colorize: wantsColor(process.env, process.stdout.isTTY === true), translateTime: 'HH:MM:ss.l', ignore: 'pid,hostname,name', sync: true, ...(destination ? { destination } : {}) }),
    );
  }
  // Synchronous stdout, as in pretty mode: pino's default asynchronous one is flushed at exit, and that
  // flush loops for ever on a broken pipe (sonic-boom retries any write error), so a process whose
  // reader died (its supervisor killed) could not exit even on SIGTERM. A sync write sees EPIPE at once,
  // and pino then stops writing.
  return pino(options, destination ?? pino.destination({ dest: 1, sync: true }));
}
