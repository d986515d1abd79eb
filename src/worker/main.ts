/**
 * The worker: runs the triage workflows and their activities on TEMPORAL_TASK_QUEUE. SIGINT/SIGTERM
 * drain in-flight activities (up to the grace time) before exit; anything unfinished is retried by the
 * next worker, because the state lives in Temporal.
 */
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Runtime, makeTelemetryFilterString } from '@temporalio/worker';
import { loadConfigOrExit } from '../config/config';
import { createLogger } from '../logging/logger';
import { ensureSearchAttributes, retryUntilConnected } from '../temporal/connection';
import { buildActivityDeps } from './dependencies';
import { temporalLogger } from './temporal-logger';
import { createWorkers, runWorkers } from './workers';

async function main(): Promise<void> {
  const config = loadConfigOrExit();
  const log = createLogger({ name: 'worker', level: config.log.level, format: config.log.format });
  Runtime.install({
    logger: temporalLogger(log),
    shutdownSignals: ['SIGINT', 'SIGTERM'],
    telemetryOptions: { logging: { forward: {}, filter: makeTelemetryFilterString({ core: 'WARN', other: 'WARN' }) } },
  });
  const { address, namespace, taskQueue } = config.temporal;
  const connection = await retryUntilConnected(`Temporal at ${address}`, () => NativeConnection.connect({ address }), log);
  // A client connection too: for search attributes, and for the activities that reach the cache and budget workflows.
  const clientConnection = await Connection.connect({ address });
  const added = await ensureSearchAttributes(clientConnection, namespace);
  if (added.length) log.info({ added }, 'registered search attributes');

  if (config.slack && !/^[CG][A-Z0-9]{6,}$/.test(config.slack.channel)) {
    log.warn({ channel: config.slack.channel }, 'SLACK_CHANNEL should be a channel ID (C0123ABCDEF): a retried post looks up earlier messages by ID');
  }
  const client = new Client({ connection: clientConnection, namespace });
  const deps = await buildActivityDeps(config, client, (text) => process.stdout.write(`${text}\n`));
  const workers = await createWorkers({ connection, namespace, taskQueue, deps });
  log.info(
    {
      taskQueue,
      namespace,
      siem: deps.siem.kind,
      slack: config.slack ? 'configured' : 'not configured (tickets printed and saved locally)',
      jira: config.jira ? 'configured' : 'not configured',
      reputation: Object.entries(deps.reputation.sources).map(([p, s]) => `${p} (${s.ratePerMinute}/min, ${s.dailyBudget}/day)`),
    },
    'worker started',
  );
  try {
    await runWorkers(workers);
  } finally {
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
