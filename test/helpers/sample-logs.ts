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
  cached ??= (async () => {
    const dir = tempDir('logs');
    const now = new Date();
    await writeSampleLogs(dir, { users: 20, days: 30, now });
    writeMoreLogs(dir, now);
    return dir;
  })();
  return cached;
}

export function tempDir(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `autotriage-${prefix}-`));
  made.push(dir);
  return dir;
}
