/** A small sample-log folder for tests (the real generator, fewer users and days), made once per run. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { writeSampleLogs } from '../../src/sample-data/write-logs';

let cached: Promise<string> | undefined;

export function sampleLogsDir(): Promise<string> {
  cached ??= (async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'autotriage-logs-'));
    await writeSampleLogs(dir, { users: 20, days: 30, now: new Date() });
    return dir;
  })();
  return cached;
}

export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `autotriage-${prefix}-`));
}
