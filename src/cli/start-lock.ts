/**
 * One `npm start` per DATA_DIR: two would share the dev server's SQLite file, the saved tickets and the
 * backfill checkpoints, and the second would stop only when it failed to bind a port. The lock is a file
 * naming the owner's pid, created exclusively; a lock whose owner is gone (killed outright) is taken over.
 */
import fs from 'node:fs';
import path from 'node:path';
import { alive, commandLine } from './process-alive';

export type StartLock = { taken: true; release: () => void } | { taken: false; heldBy: number };

export function startLockFile(dataDir: string): string {
  return path.join(dataDir, 'npm-start.pid');
}

/** Whether `pid` is an `npm start` (this script), not another process that reuses a dead owner's pid. */
function isStart(pid: number, script: string): boolean {
  const args = commandLine(pid);
  // Arguments that cannot be read: a live process is taken to be the owner.
  return args === undefined || args.some((a) => a === script || a.endsWith(`/${path.basename(path.dirname(script))}/${path.basename(script)}`));
}

function owner(file: string): number | undefined {
  try {
    const pid = Number(fs.readFileSync(file, 'utf8').trim());
    return Number.isSafeInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

export function takeStartLock(dataDir: string, script = process.argv[1] ?? ''): StartLock {
  fs.mkdirSync(dataDir, { recursive: true });
  const file = startLockFile(dataDir);
  for (let attempt = 0; ; attempt++) {
    try {
      fs.writeFileSync(file, `${process.pid}\n`, { flag: 'wx' });
      return {
        taken: true,
        // Only our own lock: a stop after another start took over a lock we lost must not remove theirs.
        release: () => {
          if (owner(file) === process.pid) fs.rmSync(file, { force: true });
        },
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const pid = owner(file);
    if (pid !== undefined && pid !== process.pid && alive(pid) && isStart(pid, script)) return { taken: false, heldBy: pid };
    // A stale lock (its owner gone, or a file we cannot read a pid from): removed, then created again
    // exclusively, so of two starts that both found it stale only one gets it.
    if (attempt > 0) throw new Error(`${file}: cannot take the lock (remove the file if no npm start runs with DATA_DIR=${dataDir})`);
    if (owner(file) === pid) fs.rmSync(file, { force: true });
  }
}
