/** The API as an Express app factory: everything it needs is injected, so tests run it for real. */
import express, { type Express } from 'express';
import type { Logger } from '../logging/logger';
import type { AlertStarter } from './alert-starter';
import { errorHandler, sendError } from './errors';
import { healthRoutes } from './routes/health';
import type { ActionSink } from './analyst-actions';
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
}

export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', false);
  app.use(webhookRoutes({ starter: deps.starter, webhookSecret: deps.webhookSecret, maxBodyBytes: deps.maxBodyBytes, log: deps.log }));
  if (deps.slack) app.use(slackInteractionRoutes({ ...deps.slack, log: deps.log }));
  app.use(healthRoutes(deps.starter));
  app.use(siemSearchRoutes(deps.searchSource ?? (async () => undefined)));
  app.use((_req, res) => sendError(res, 404, 'not found'));
  app.use(errorHandler(deps.log));
  return app;
}
