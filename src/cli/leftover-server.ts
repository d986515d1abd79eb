/**
 * The dev server `npm start` runs sits in its own process group (a terminal's Ctrl-C must reach only
 * `npm start`, which stops it last), so it outlives an `npm start` killed outright (SIGKILL, the OOM
 * killer), holding the ports and the SQLite file. A record in DATA_DIR names the server and the
 * `npm start` that owns it: the next `npm start` stops a server whose owner is gone, then starts its own.
 * A server whose owner still runs (a second `npm start` in the same folder) is left alone.
 */
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { alive, commandLine } from './process-alive';

const RecordSchema = z.object({ serverPid: z.int().positive(), ownerPid: z.int().positive(), dbFile: z.string() });

export function serverRecordFile(dataDir: string): string {
  return path.join(dataDir, 'temporal-dev-server.json');
}

export function recordServer(file: string, serverPid: number, dbFile: string): void {
  fs.writeFileSync(file, `${JSON.stringify({ serverPid, ownerPid: process.pid, dbFile })}\n`);
}

export function forgetServer(file: string): void {
  fs.rmSync(file, { force: true });
}

/** Whether `pid` is still the dev server of that file (a pid is reused once its process is gone). */
function isDevServerOf(pid: number, dbFile: string): boolean {
  const args = commandLine(pid);
  // Gone, or its arguments unreadable: never kill what we cannot identify.
  return args !== undefined && args.includes('start-dev') && args.includes(dbFile);
}

/**
 * Stops the dev server an earlier `npm start` left running when its owner is gone. Returns the server's
 * pid when it stopped one.
 */
export async function stopLeftoverServer(file: string, graceMs = 10_000): Promise<number | undefined> {
  let record: z.infer<typeof RecordSchema>;
  try {
    record = RecordSchema.parse(JSON.parse(fs.readFileSync(file, 'utf8')));
  } catch {
    return undefined;
  }
  if (alive(record.ownerPid) || !alive(record.serverPid) || !isDevServerOf(record.serverPid, record.dbFile)) return undefined;
  process.kill(record.serverPid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (alive(record.serverPid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  if (alive(record.serverPid)) process.kill(record.serverPid, 'SIGKILL');
  forgetServer(file);
  return record.serverPid;
}
