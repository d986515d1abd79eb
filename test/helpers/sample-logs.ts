/** A small sample-log folder for tests (the real generator, fewer users and days), made once per run. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { writeSampleLogs } from '../../src/sample-data/write-logs';
import { writeMoreLogs } from './more-logs';

let cached: Promise<string> | undefined;
const made: string[] = [];
// Temp folders go when the test run ends.
process.once('exit', () => {
  for (const dir of made) fs.rmSync(dir, { recursive: true, force: true });
});

export function sampleLogsDir(): Promise<string> {
  cached ??= freshSampleLogs().then((logs) => logs.dir);
  return cached;
}

/**
 * A sample-log folder of its own, written for this moment. A suite whose alerts must sit at a fixed
 * distance from the logs' events (minutes after them) stamps its alerts with `at`, and runs soon after:
 * the shared folder may be half an hour old by the time a late suite runs.
 */
export async function freshSampleLogs(): Promise<{ dir: string; at: Date }> {
  const dir = tempDir('logs');
  const at = new Date();
  await writeSampleLogs(dir, { users: 20, days: 30, now: at });
  writeMoreLogs(dir, at);
  return { dir, at };
}

export function tempDir(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `autotriage-${prefix}-`));
  made.push(dir);
  return dir;
}
