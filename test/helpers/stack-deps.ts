/** Activity dependencies built the way the worker builds them, from configuration pointing at the fakes. */
import path from 'node:path';
import type { ActivityDeps } from '../../src/activities';
import { parseConfig, type Config } from '../../src/config/config';
import { buildActivityDeps } from '../../src/worker/dependencies';
import { tempDir } from './sample-logs';

export async function depsFor(env: Record<string, string>, logsDir: string): Promise<{ deps: ActivityDeps; config: Config; printed: string[] }> {
  const dataDir = tempDir('data');
  const config = parseConfig({ ...env, LOCAL_SIEM_LOGS: logsDir, DATA_DIR: dataDir, LOG_FORMAT: 'json' });
  const printed: string[] = [];
  const deps = await buildActivityDeps(config, (text) => printed.push(text));
  return { deps, config: { ...config, dataDir: path.resolve(dataDir) }, printed };
}
