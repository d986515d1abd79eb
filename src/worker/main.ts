/**
 * The worker: runs the triage workflows and their activities on TEMPORAL_TASK_QUEUE. SIGINT/SIGTERM
 * drain in-flight activities (up to the grace time) before exit; anything unfinished is retried by the
 * next worker, because the state lives in Temporal.
 */
import { Connection } from '@temporalio/client';
import { NativeConnection, Runtime, Worker, makeTelemetryFilterString } from '@temporalio/worker';
import { createActivities } from '../activities';
import { loadConfigOrExit } from '../config/config';
import { createLogger } from '../logging/logger';
import { ensureSearchAttributes, retryUntilConnected } from '../temporal/connection';
import { buildActivityDeps } from './dependencies';
import { temporalLogger } from './temporal-logger';
import { workflowSource } from './workflow-source';

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
  const admin = await Connection.connect({ address });
  const added = await ensureSearchAttributes(admin, namespace).finally(() => admin.close());
  if (added.length) log.info({ added }, 'registered search attributes');

  if (config.slack && !/^[CG][A-Z0-9]{6,}$/.test(config.slack.channel)) {
    log.warn({ channel: config.slack.channel }, 'SLACK_CHANNEL should be a channel ID (C0123ABCDEF): a retried post looks up earlier messages by ID');
  }
  const deps = await buildActivityDeps(config, (text) => process.stdout.write(`${text}\n`));
  const worker = await Worker.create({
    connection,
    namespace,
    taskQueue,
    ...workflowSource(),
    activities: createActivities(deps),
    shutdownGraceTime: '10s',
  });
  log.info(
    {
      taskQueue,
      namespace,
      siem: deps.siem.kind,
      slack: config.slack ? 'configured' : 'not configured (tickets printed and saved locally)',
      jira: config.jira ? 'configured' : 'not configured',
      virustotal: config.virustotal ? 'configured' : 'not configured',
    },
    'worker started',
  );
  try {
    await worker.run();
  } finally {
    await deps.siem.close();
    await connection.close();
    log.info('worker stopped');
  }
}

main().catch((err) => {
  console.error('worker failed:', err);
  process.exit(1);
});
