/** JSON errors of DESIGN.md: `{error, details?}` with the right 4xx; never a 500 for bad input. */
import type { ErrorRequestHandler, Response } from 'express';

export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly details?: unknown,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

/** Seconds a sender should wait before trying again while Temporal is unreachable (the intake, /readyz). */
export const TEMPORAL_DOWN_RETRY_AFTER_SECONDS = 30;

export function sendError(res: Response, status: number, error: string, details?: unknown): void {
  res.status(status).json(details === undefined ? { error } : { error, details });
}

/** Errors thrown by body parsers (size, encoding) and handlers, mapped to their status. */
export function errorHandler(
  log: { error: (obj: object, msg: string) => void },
  onReject?: (route: string, reason: string) => void,
): ErrorRequestHandler {
  return (err: unknown, req, res, _next) => {
    if (res.headersSent) return;
    if (err instanceof HttpError) {
      res.set(err.headers);
      return sendError(res, err.status, err.message, err.details);
    }
    const e = err as { type?: string; status?: number; limit?: number; message?: string };
    if (e.type === 'entity.too.large') {
      onReject?.(req.path, 'too_large');
      return sendError(res, 413, `body larger than the limit of ${e.limit} bytes`);
    }
    if (e.type === 'encoding.unsupported' || e.type === 'charset.unsupported') return sendError(res, 415, e.message ?? 'unsupported encoding');
    if (typeof e.status === 'number' && e.status >= 400 && e.status < 500) return sendError(res, e.status, e.message ?? 'bad request');
    log.error({ err }, 'unhandled error in request');
    return sendError(res, 500, 'internal error');
  };
}
