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

let writtenAt: Date | undefined;

export function sampleLogsDir(): Promise<string> {
  cached ??= (async () => {
    const dir = tempDir('logs');
    const now = new Date();
    writtenAt = now;
    await writeSampleLogs(dir, { users: 20, days: 30, now });
    writeMoreLogs(dir, now);
    return dir;
  })();
  return cached;
}

/**
 * The "now" the shared sample logs were written for. A test whose alert must sit at a fixed distance from
 * their events (minutes before it) stamps the alert with this, not with the time the test happens to run.
 */
export async function sampleLogsTime(): Promise<Date> {
  await sampleLogsDir();
  return writtenAt!;
}

export function tempDir(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `autotriage-${prefix}-`));
  made.push(dir);
  return dir;
}
