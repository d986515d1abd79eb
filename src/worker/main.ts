/**
 * The worker: runs the triage workflows and their activities on TEMPORAL_TASK_QUEUE (and the provider
 * queues). SIGINT/SIGTERM drain in-flight activities (up to the grace time) before exit; anything
 * unfinished is retried by the next worker, because the state lives in Temporal.
 */
import { Context } from '@temporalio/activity';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Runtime, makeTelemetryFilterString } from '@temporalio/worker';
import { configWarnings, loadConfigOrExit } from '../config/config';
import { createLogger, type Logger } from '../logging/logger';
import { createRegistry, workerMetrics } from '../observability/metrics';
import { startMetricsServer } from '../observability/metrics-server';
import { ensureSearchAttributes, retryUntilConnected } from '../temporal/connection';
import { connectionOptions } from '../temporal/connection-options';
import { dataConverter } from '../temporal/data-converter';
import { buildActivityDeps } from './dependencies';
import { temporalLogger } from './temporal-logger';
import { createWorkers, runWorkers } from './workers';
import { errorMessage } from '../logging/error-message';
import { stopWhenSupervisorDies } from '../cli/lifeline';

/**
 * Where locally delivered tickets go (no Slack): as text for a person at a terminal; as a JSON log line in
 * JSON mode, through the activity's logger so the line carries the workflow id like every other.
 */
function printer(format: 'pretty' | 'json', log: Logger): (text: string) => void {
  if (format === 'pretty') return (text) => process.stdout.write(`${text}\n`);
  return (text) => {
    let activityLog: Context['log'] | undefined;
    try {
      activityLog = Context.current().log;
    } catch {
      // Not inside an activity.
    }
    if (activityLog) activityLog.info('local delivery (Slack not configured)', { text: text.trim() });
    else log.info({ text: text.trim() }, 'local delivery (Slack not configured)');
  };
}

async function main(): Promise<void> {
  const config = loadConfigOrExit();
  stopWhenSupervisorDies();
  const log = createLogger({ name: 'worker', level: config.log.level, format: config.log.format });
  // The SDK's own metrics go to a loopback port; /metrics on METRICS_PORT serves them with ours.
  const sdkMetrics = `127.0.0.1:${config.metricsPort + 1}`;
  Runtime.install({
    logger: temporalLogger(log),
    shutdownSignals: ['SIGINT', 'SIGTERM'],
    telemetryOptions: {
      logging: { forward: {}, filter: makeTelemetryFilterString({ core: 'WARN', other: 'WARN' }) },
      metrics: { prometheus: { bindAddress: sdkMetrics } },
    },
  });
  const { address, namespace, taskQueue } = config.temporal;
  const options = connectionOptions(config);
  // Stopped while Temporal is not there yet (a deploy rolled back, compose down): no worker runs that the
  // runtime's own signal handling could drain, so stop waiting and leave.
  const waiting = new AbortController();
  const stopWaiting = () => waiting.abort();
  process.once('SIGINT', stopWaiting);
  process.once('SIGTERM', stopWaiting);
  const connection = await retryUntilConnected(`Temporal at ${address}`, () => NativeConnection.connect(options), log, { signal: waiting.signal }).catch(
    (err: unknown) => (waiting.signal.aborted ? undefined : Promise.reject(err)),
  );
  process.off('SIGINT', stopWaiting);
  process.off('SIGTERM', stopWaiting);
  if (!connection) {
    log.info(`stopped before Temporal at ${address} was reachable`);
    process.exit(0);
  }
  // A client connection too: for search attributes, and for the activities that reach the cache and budget workflows.
  const clientConnection = await Connection.connect(options);
  try {
    const added = await ensureSearchAttributes(clientConnection, namespace);
    if (added.length) log.info({ added }, 'registered search attributes');
  } catch (err) {
    // Temporal Cloud does not allow this: the attributes are registered in its UI or with tcld.
    log.warn({ err: errorMessage(err) }, 'could not check or register the search attributes; make sure they exist');
  }

  for (const warning of configWarnings(config)) log.warn(warning);
  const converter = dataConverter(config);
  const client = new Client({ connection: clientConnection, namespace, dataConverter: converter });
  const deps = await buildActivityDeps(config, client, printer(config.log.format, log), (message) => log.warn(message));
  const registry = createRegistry('worker');
  const metrics = workerMetrics(registry);
  const workers = await createWorkers({
    connection,
    namespace,
    taskQueue,
    deps,
    dataConverter: converter,
    metrics,
    maxCachedWorkflows: config.workerMaxCachedWorkflows,
  });
  const metricsServer = await startMetricsServer({
    registry,
    host: config.metricsHost,
    port: config.metricsPort,
    sdkMetricsUrl: `http://${sdkMetrics}/metrics`,
  });
  log.info(
    {
      taskQueue,
      namespace,
      siem: deps.siem.kind,
      slack: config.slack ? 'configured' : 'not configured (tickets printed and saved locally)',
      jira: config.jira ? 'configured' : 'not configured',
      reputation: Object.entries(deps.reputation.sources).map(([p, s]) => `${p} (${s.ratePerMinute}/min, ${s.dailyBudget}/day)`),
      encryption: config.codec ? 'payloads encrypted' : 'off',
      metrics: `http://${config.metricsHost}:${config.metricsPort}/metrics`,
    },
    'worker started',
  );
  try {
    await runWorkers(workers);
  } finally {
    metricsServer.close();
    await deps.siem.close();
    await clientConnection.close();
    await connection.close();
    log.info('worker stopped');
  }
}

main().catch((err) => {
  console.error('worker failed:', err);
  process.exit(1);
});
