/**
 * The API process: intake webhooks, health, and the embedded SIEM's results page. Without a
 * WEBHOOK_SECRET it only listens on loopback, and says so.
 */
import { Client, Connection } from '@temporalio/client';
import { apiListenHost, configWarnings, loadConfigOrExit } from '../config/config';
import { createLogger } from '../logging/logger';
import { LocalSiem } from '../siem/local/local-siem';
import { SlackClient } from '../connectors/slack';
import { apiMetrics, createRegistry } from '../observability/metrics';
import { connectionOptions } from '../temporal/connection-options';
import { dataConverter, payloadCodec } from '../temporal/data-converter';
import { createAlertStarter } from '../temporal/alert-starter';
import { StartPacer } from '../temporal/start-pacer';
import { createActionSink } from './analyst-actions';
import { createSlackResponder } from './slack-responder';
import { createApp } from './app';
import { openOnFirstSearch, type SearchSource } from './routes/siem-search';
import { stopWhenSupervisorDies } from '../cli/lifeline';

/** How long a stop waits for requests in flight. */
const API_DRAIN_MS = 10_000;

async function main(): Promise<void> {
  const config = loadConfigOrExit();
  stopWhenSupervisorDies();
  const log = createLogger({ name: 'api', level: config.log.level, format: config.log.format });
  for (const warning of configWarnings(config)) log.warn(warning);
  const { host, narrowed } = apiListenHost(config.api);
  if (!config.api.webhookSecret) {
    if (narrowed) log.warn({ requestedHost: config.api.host }, 'WEBHOOK_SECRET is not set: refusing to listen beyond loopback, using 127.0.0.1');
    log.warn('WEBHOOK_SECRET is not set: intake accepts unauthenticated alerts (loopback only). Set it before exposing the API.');
  }

  // Lazy: the API starts (and answers 503) even while Temporal is down, and connects once it is up.
  const connection = Connection.lazy(connectionOptions(config));
  const codec = payloadCodec(config);
  const client = new Client({ connection, namespace: config.temporal.namespace, dataConverter: dataConverter(config) });
  const pacing = config.api.startPacing;
  const starter = createAlertStarter(client, config.temporal.taskQueue, {
    policy: config.policy,
    pacer: new StartPacer(pacing.perSecond, pacing.burst),
  });
  const slackClient = config.slack && new SlackClient({ botToken: config.slack.botToken, apiUrl: config.slack.apiUrl });

  const siemConfig = config.siem;
  /** The latest open, closed on shutdown. */
  let siem: Promise<LocalSiem> | undefined;
  const searchSource =
    siemConfig.kind === 'local'
      ? openOnFirstSearch<SearchSource>(() => (siem = LocalSiem.open({ logsDir: siemConfig.logsDir, publicUrl: config.api.publicUrl })))
      : undefined;

  const registry = createRegistry('api');
  const app = createApp({
    metrics: { registry, api: apiMetrics(registry) },
    starter,
    log,
    webhookSecret: config.api.webhookSecret,
    publicUrl: config.api.publicUrl,
    pantherConsoleUrl: config.pantherConsoleUrl,
    maxBodyBytes: config.api.maxBodyBytes,
    searchSource,
    codec: codec && { codec, authToken: config.codec?.authToken, allowedOrigins: config.codec?.allowedOrigins ?? [] },
    slack: {
      signingSecret: config.slack?.signingSecret,
      sink: createActionSink(client),
      responder: createSlackResponder(slackClient, config.slackAllowList),
    },
  });
  const server = app.listen(config.api.port, host, () => {
    log.info({ url: `http://${host}:${config.api.port}`, temporal: config.temporal.address }, 'API listening');
  });
  server.on('error', (err) => {
    log.fatal({ err: err.message }, 'API could not listen');
    process.exit(1);
  });

  const stop = async (signal: string) => {
    log.info({ signal }, 'API stopping');
    // Requests in flight (a webhook inside its workflow start) finish before the connection closes; new
    // ones are refused. A client that holds its connection open is cut after the grace time.
    const drained = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    const grace = setTimeout(() => server.closeAllConnections(), API_DRAIN_MS);
    await drained;
    clearTimeout(grace);
    await Promise.allSettled([connection.close(), siem?.then((s) => s.close())]);
    log.info('API stopped');
    process.exit(0);
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
}

main().catch((err) => {
  console.error('api failed:', err);
  process.exit(1);
});
