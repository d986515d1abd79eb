/**
 * Connections to Temporal: waiting for the server (a worker may start before it), and registering the
 * search attributes of DESIGN.md on a server that lacks them (idempotent; the dev server started by
 * `npm start` already has them).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { Connection } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import type { Logger } from '../logging/logger';
import { SEARCH_ATTRIBUTE_NAMES } from './search-attributes';
import { errorMessage } from '../logging/error-message';
import { causeChain, hasGrpcCode } from './grpc-status';

/** gRPC UNAUTHENTICATED (16) and PERMISSION_DENIED (7): the server answered, and said no to these credentials. */
const REFUSED_CODES = new Set([7, 16]);

/**
 * Whether Temporal refused the credentials: the client's ServiceError (its code, or its cause's), or the
 * worker's native connection, whose error carries only tonic's text for those two codes.
 */
export function refusedCredentials(err: unknown): boolean {
  if (hasGrpcCode(err, REFUSED_CODES)) return true;
  return [...causeChain(err)].some((e) => typeof e.message === 'string' && /does not have valid authentication credentials|does not have permission to execute/.test(e.message));
}

/** What to check when Temporal refuses the credentials. */
export const CREDENTIALS_HINT = 'check TEMPORAL_API_KEY (or TEMPORAL_TLS_CERT_PATH and TEMPORAL_TLS_KEY_PATH) and TEMPORAL_NAMESPACE';

/**
 * Connects, retrying while Temporal is not there yet. A server that refuses the credentials is no reason
 * to wait: that ends it at once, with what to check (retrying would only log the same refusal for ever).
 */
export async function retryUntilConnected<T>(
  what: string,
  connect: () => Promise<T>,
  log: Pick<Logger, 'warn'>,
  opts: { maxWaitMs?: number; signal?: AbortSignal } = {},
): Promise<T> {
  const started = Date.now();
  let delay = 500;
  for (let attempt = 1; ; attempt++) {
    try {
      return await connect();
    } catch (err) {
      if (refusedCredentials(err)) throw new Error(`${what} refused the credentials (${errorMessage(err)}): ${CREDENTIALS_HINT}`);
      if (opts.signal?.aborted || (opts.maxWaitMs !== undefined && Date.now() - started > opts.maxWaitMs)) throw err;
      if (attempt === 1 || attempt % 10 === 0) {
        log.warn({ err: errorMessage(err) }, `${what} not reachable yet; retrying`);
      }
      // A stop (SIGTERM) during the wait ends it at once, not after the next attempt.
      await sleep(delay, undefined, { signal: opts.signal }).catch(() => undefined);
      if (opts.signal?.aborted) throw err;
      delay = Math.min(delay * 2, 5000);
    }
  }
}

export async function ensureSearchAttributes(connection: Connection, namespace: string): Promise<string[]> {
  const current = await connection.operatorService.listSearchAttributes({ namespace });
  const existing = new Set(Object.keys(current.customAttributes ?? {}));
  const missing = SEARCH_ATTRIBUTE_NAMES.filter((name) => !existing.has(name));
  if (missing.length > 0) {
    await connection.operatorService.addSearchAttributes({
      namespace,
      searchAttributes: Object.fromEntries(
        missing.map((name) => [name, temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD]),
      ),
    });
  }
  return missing;
}
