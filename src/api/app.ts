/** The API as an Express app factory: everything it needs is injected, so tests run it for real. */
import express, { type Express } from 'express';
import type { Registry } from 'prom-client';
import type { Logger } from '../logging/logger';
import { routeLabel, type ApiMetrics } from '../observability/metrics';
import type { AlertStarter } from '../temporal/alert-starter';
import { errorHandler, sendError } from './errors';
import { healthRoutes } from './routes/health';
import type { ActionSink } from './analyst-actions';
import { codecRoutes, type CodecRouteOptions } from './routes/codec';
import { searchLinkKey } from '../siem/local/search-link';
import { siemSearchRoutes, type SearchSource } from './routes/siem-search';
import { slackInteractionRoutes, type SlackResponder } from './routes/slack-interactions';
import { webhookRoutes } from './routes/webhooks';

export interface AppDeps {
  starter: AlertStarter;
  log: Logger;
  webhookSecret?: string;
  maxBodyBytes: number;
  /** The embedded SIEM, opened on first use; undefined with another SIEM. */
  searchSource?: () => Promise<SearchSource | undefined>;
  slack?: { signingSecret?: string; sink: ActionSink; responder: SlackResponder };
  /** The codec endpoint for the Web UI, when payload encryption is on. */
  codec?: CodecRouteOptions;
  metrics?: { registry: Registry; api: ApiMetrics };
  /** PUBLIC_URL: its host is also accepted by the loopback-only guard. */
  publicUrl?: string;
  /** PANTHER_CONSOLE_URL, when Panther is configured: where a Panther alert's link may point. */
  pantherConsoleUrl?: string;
}

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '::1', '[::1]']);

/**
 * Without WEBHOOK_SECRET the API listens on loopback only, and nothing else stands between it and a web
 * page in the operator's browser that re-binds its own DNS name to 127.0.0.1. Such a page's requests
 * carry its name in `Host`: only requests addressed to this machine (or PUBLIC_URL's host) are served.
 */
function loopbackHostsOnly(publicUrl: string | undefined): express.RequestHandler {
  const allowed = new Set(LOOPBACK_HOSTS);
  const publicHost = publicUrl && URL.canParse(publicUrl) ? new URL(publicUrl).hostname.toLowerCase() : undefined;
  if (publicHost) allowed.add(publicHost);
  return (req, res, next) => {
    const host = (req.hostname ?? '').toLowerCase();
    if (allowed.has(host)) return next();
    sendError(res, 403, `Host ${host.slice(0, 100) || '(none)'} is not this service: without WEBHOOK_SECRET the API only answers requests addressed to localhost or PUBLIC_URL`);
  };
}

export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', false);
  if (!deps.webhookSecret) app.use(loopbackHostsOnly(deps.publicUrl));
  app.use(
    webhookRoutes({
      starter: deps.starter,
      webhookSecret: deps.webhookSecret,
      maxBodyBytes: deps.maxBodyBytes,
      log: deps.log,
      metrics: deps.metrics?.api,
      pantherConsoleUrl: deps.pantherConsoleUrl,
    }),
  );
  const registry = deps.metrics?.registry;
  if (registry) {
    app.get('/metrics', async (_req, res) => {
      res.type(registry.contentType).send(await registry.metrics());
    });
  }
  if (deps.slack) app.use(slackInteractionRoutes({ ...deps.slack, log: deps.log }));
  if (deps.codec) app.use(codecRoutes(deps.codec));
  app.use(healthRoutes(deps.starter));
  // Exposed (WEBHOOK_SECRET set): only links the worker signed with the same secret open the raw events.
  app.use(siemSearchRoutes(deps.searchSource ?? (async () => undefined), deps.webhookSecret ? searchLinkKey(deps.webhookSecret) : undefined));
  app.use((_req, res) => sendError(res, 404, 'not found'));
  app.use(errorHandler(deps.log, (route, reason) => deps.metrics?.api.rejected.inc({ route: routeLabel(route), reason })));
  return app;
}
