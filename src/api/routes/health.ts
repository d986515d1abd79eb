/** Liveness (the process answers) and readiness (Temporal answers too). */
import express, { type Router } from 'express';
import type { AlertStarter } from '../../temporal/alert-starter';
import { TEMPORAL_DOWN_RETRY_AFTER_SECONDS } from '../errors';

export function healthRoutes(starter: AlertStarter): Router {
  const router = express.Router();
  router.get('/healthz', (_req, res) => {
    res.json({ ok: true });
  });
  router.get('/readyz', async (_req, res) => {
    if (await starter.ready()) return res.json({ ok: true, temporal: 'ok' });
    // Shaped like the intake's own 503 (an error, and when to look again), for a balancer or an operator.
    res.set('Retry-After', String(TEMPORAL_DOWN_RETRY_AFTER_SECONDS)).status(503).json({ ok: false, temporal: 'unreachable', error: 'Temporal is unreachable' });
  });
  return router;
}
