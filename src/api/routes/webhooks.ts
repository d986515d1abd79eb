/**
 * Intake: `POST /webhooks/panther` (Panther Custom Webhook) and `POST /webhooks/alerts` (canonical Alert).
 * Order of checks: size (while reading) → authentication over the raw bytes → content type → JSON →
 * schema → start. A rejected request starts nothing; Temporal being down is a 503 the SIEM retries.
 */
import express, { type Request, type Response, type Router } from 'express';
import type { Logger } from '../../logging/logger';
import type { Alert } from '../../domain/alert';
import { normalizeCanonical } from '../../intake/canonical';
import { normalizePanther } from '../../intake/panther';
import { withTrustedLink } from '../../intake/trusted-link';
import { ValidationError } from '../../intake/validation-error';
import { TemporalUnavailableError, type AlertStarter } from '../../temporal/alert-starter';
import { authenticateWebhook } from '../auth';
import { TEMPORAL_DOWN_RETRY_AFTER_SECONDS, sendError } from '../errors';
import type { ApiMetrics } from '../../observability/metrics';
import { errorMessage } from '../../logging/error-message';

export interface WebhookOptions {
  starter: AlertStarter;
  webhookSecret?: string;
  maxBodyBytes: number;
  log: Logger;
  metrics?: ApiMetrics;
  /** PANTHER_CONSOLE_URL: a Panther alert's link must point there, or it is dropped. */
  pantherConsoleUrl?: string;
}

type Normalizer = (body: unknown, receivedAt: Date) => Alert;

/**
 * The canonical format, for any SIEM but Panther: a Panther alert comes in on its own route. Alerts of
 * source `panther` are looked up in and written back to the Panther console, and own the workflow ids
 * `alert/panther/…`, so a sender on this route must not claim (or squat on) them.
 */
function normalizeGenericAlert(body: unknown, receivedAt: Date): Alert {
  const alert = normalizeCanonical(body, receivedAt);
  if (alert.source === 'panther') {
    throw new ValidationError([{ field: 'source', message: "'panther' is reserved for POST /webhooks/panther; name your SIEM or script" }]);
  }
  return alert;
}

function isJson(req: Request): boolean {
  const type = req.headers['content-type'];
  return typeof type === 'string' && /^application\/([a-z0-9.+-]*\+)?json\s*(;|$)/i.test(type);
}

export function webhookRoutes(options: WebhookOptions): Router {
  const router = express.Router();
  const raw = express.raw({ type: () => true, limit: options.maxBodyBytes });

  const handle = (source: string, normalize: Normalizer) => async (req: Request, res: Response) => {
    const body: Buffer = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const route = `/webhooks/${source}`;
    const log = options.log.child({ route });
    const reject = (reason: string) => options.metrics?.rejected.inc({ route, reason });
    const auth = authenticateWebhook(options.webhookSecret, req.headers, body);
    if (!auth.ok) {
      reject('unauthorized');
      log.warn({ reason: auth.reason, ip: req.ip }, 'webhook rejected: authentication');
      return sendError(res, 401, 'unauthorized', auth.reason);
    }
    if (!isJson(req)) {
      reject('not_json');
      return sendError(res, 415, 'Content-Type must be application/json');
    }
    let payload: unknown;
    try {
      // TextDecoder drops a leading byte-order mark, which JSON.parse would refuse (RFC 8259 §8.1 lets a
      // parser ignore it); the signature was checked over the raw bytes, mark included.
      payload = JSON.parse(new TextDecoder().decode(body));
    } catch (err) {
      reject('invalid_json');
      return sendError(res, 400, 'body is not valid JSON', errorMessage(err));
    }
    let alert: Alert;
    try {
      alert = normalize(payload, new Date());
    } catch (err) {
      if (err instanceof ValidationError) {
        reject('invalid_alert');
        log.warn({ problems: err.problems }, 'webhook rejected: invalid alert');
        return sendError(res, 400, err.message, err.problems);
      }
      throw err;
    }
    try {
      const outcome = await options.starter.start(alert);
      const m = options.metrics;
      m?.received.inc({ ...m.receivedLabels(alert), status: outcome.status });
      log.info({ workflowId: outcome.workflowId, status: outcome.status, detectionId: alert.detectionId, logType: alert.logType }, `alert ${outcome.status}`);
      res.status(202).json(outcome);
    } catch (err) {
      if (err instanceof TemporalUnavailableError) {
        reject('temporal_unavailable');
        log.error({ err: err.message, source }, 'Temporal unreachable: alert not accepted, the SIEM should resend');
        res.set('Retry-After', String(TEMPORAL_DOWN_RETRY_AFTER_SECONDS));
        return sendError(res, 503, 'Temporal is unreachable; resend the alert later');
      }
      throw err;
    }
  };

  const normalizePantherAlert: Normalizer = (body, receivedAt) => {
    const { alert, dropped } = withTrustedLink(normalizePanther(body, receivedAt), options.pantherConsoleUrl);
    if (dropped) options.log.warn({ alertId: alert.alertId, linkOrigin: dropped }, 'alert link dropped: not on PANTHER_CONSOLE_URL');
    return alert;
  };
  router.post('/webhooks/panther', raw, handle('panther', normalizePantherAlert));
  router.post('/webhooks/alerts', raw, handle('alerts', normalizeGenericAlert));
  return router;
}
