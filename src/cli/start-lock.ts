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

/**
 * Creates the lock with our pid already in it: written to a file of our own, then linked into place, which
 * fails if a lock exists. (Created empty and written after, a lock read in between would look stale.)
 */
function createLock(file: string): boolean {
  const mine = `${file}.${process.pid}`;
  fs.writeFileSync(mine, `${process.pid}\n`);
  try {
    fs.linkSync(mine, file);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  } finally {
    fs.rmSync(mine, { force: true });
  }
}

/**
 * Moves a stale lock out of the way, unless it is no longer the one judged stale: another start may have
 * taken it over since we read it (then it goes back, and the next look finds that start alive).
 */
function removeStale(file: string, stalePid: number | undefined): void {
  const aside = `${file}.${process.pid}.stale`;
  try {
    fs.renameSync(file, aside);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw err;
  }
  if (owner(aside) !== stalePid) {
    try {
      fs.linkSync(aside, file);
    } catch {
      // A third start holds it by now: that one is the owner.
    }
  }
  fs.rmSync(aside, { force: true });
}

export function takeStartLock(dataDir: string, script = process.argv[1] ?? ''): StartLock {
  fs.mkdirSync(dataDir, { recursive: true });
  const file = startLockFile(dataDir);
  for (let attempt = 0; attempt < 5; attempt++) {
    if (createLock(file)) {
      return {
        taken: true,
        // Only our own lock: a stop after another start took over a lock we lost must not remove theirs.
        release: () => {
          if (owner(file) === process.pid) fs.rmSync(file, { force: true });
        },
      };
    }
    const pid = owner(file);
    if (pid !== undefined && pid !== process.pid && alive(pid) && isStart(pid, script)) return { taken: false, heldBy: pid };
    // A stale lock (its owner gone, or no pid in it): out of the way, then created again.
    removeStale(file, pid);
  }
  throw new Error(`${file}: cannot take the lock (remove the file if no npm start runs with DATA_DIR=${dataDir})`);
}
