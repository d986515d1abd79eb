/**
 * What a failed Temporal call says about why: the gRPC status code of the error, or of one in its cause
 * chain (the client wraps the ServiceError; the worker's native connection gives only text).
 */
import { isGrpcServiceError } from '@temporalio/client';

type Failure = { code?: unknown; cause?: unknown; message?: unknown };

/** `err` and its causes, outermost first; bounded, so a cyclic cause cannot loop. */
export function* causeChain(err: unknown): Generator<Failure> {
  let e = err as Failure | undefined;
  for (let depth = 0; e && typeof e === 'object' && depth < 5; depth++, e = e.cause as Failure | undefined) yield e;
}

/** Whether the call failed with one of `codes`: a gRPC ServiceError's own code decides, else the first code in its causes. */
export function hasGrpcCode(err: unknown, codes: ReadonlySet<number>): boolean {
  for (const e of causeChain(err)) {
    if (isGrpcServiceError(e)) return codes.has(e.code);
    if (typeof e.code === 'number' && codes.has(e.code)) return true;
  }
  return false;
}
