/** Liveness (the process answers) and readiness (Temporal answers too). */
import express, { type Router } from 'express';
import type { AlertStarter } from '../../temporal/alert-starter';

export function healthRoutes(starter: AlertStarter): Router {
  const router = express.Router();
  router.get('/healthz', (_req, res) => {
    res.json({ ok: true });
  });
  router.get('/readyz', async (_req, res) => {
    const temporal = await starter.ready();
    res.status(temporal ? 200 : 503).json({ ok: temporal, temporal: temporal ? 'ok' : 'unreachable' });
  });
  return router;
}
