/** Activity dependencies built the way the worker builds them, from configuration pointing at the fakes. */
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import type { ActivityDeps } from '../../src/activities';
import { parseConfig, type Config } from '../../src/config/config';
import { buildActivityDeps } from '../../src/worker/dependencies';
import { tempDir } from './sample-logs';
import { testAddress } from './temporal';

/**
 * `env` may set TEMPORAL_TASK_QUEUE (provider queues and cache workflows derive from it). Without a
 * `client`, a lazy one on the test server is made (it connects only if a reputation lookup runs).
 */
export async function depsFor(
  env: Record<string, string>,
  logsDir: string,
  client: Client = new Client({ connection: Connection.lazy({ address: testAddress() }) }),
): Promise<{ deps: ActivityDeps; config: Config; printed: string[] }> {
  const dataDir = tempDir('data');
  const config = parseConfig({ ...env, LOCAL_SIEM_LOGS: logsDir, DATA_DIR: dataDir, LOG_FORMAT: 'json' });
  const printed: string[] = [];
  const deps = await buildActivityDeps(config, client, (text) => printed.push(text));
  return { deps, config: { ...config, dataDir: path.resolve(dataDir) }, printed };
}
