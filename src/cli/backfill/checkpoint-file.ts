/**
 * The checkpoint on disk, next to the alerts file (`<file>.backfill-checkpoint.json`): the lines done of
 * the version of the file the run read (its size and modification time).
 */
import fs from 'node:fs';
import path from 'node:path';

interface Checkpoint {
  file: string;
  size: number;
  /** With the size: an edit that keeps the size (a typo fixed) still resets the checkpoint. */
  mtimeMs?: number;
  linesDone: number;
}

export function checkpointPath(file: string): string {
  return `${file}.backfill-checkpoint.json`;
}

/** The version of the file a run reads: taken once, before reading, so every checkpoint names that version. */
export interface FileVersion {
  size: number;
  mtimeMs: number;
}

export function versionOf(file: string | number): FileVersion {
  const { size, mtimeMs } = typeof file === 'number' ? fs.fstatSync(file) : fs.statSync(file);
  return { size, mtimeMs };
}

/** Whether the file at the path is still the version the run read (not replaced, edited or removed). */
export function stillThere(file: string, version: FileVersion): boolean {
  try {
    const now = versionOf(file);
    return now.size === version.size && now.mtimeMs === version.mtimeMs;
  } catch {
    return false;
  }
}

export function readCheckpoint(file: string, version: FileVersion): number {
  try {
    const c = JSON.parse(fs.readFileSync(checkpointPath(file), 'utf8')) as Checkpoint;
    // A checkpoint from a release that did not record the time is trusted on its size, as it was then.
    return c.size === version.size && (c.mtimeMs === undefined || c.mtimeMs === version.mtimeMs) ? c.linesDone : 0;
  } catch {
    return 0;
  }
}

/**
 * Records the lines done of the version the run read, not of whatever is at the path now: a file replaced
 * or rewritten during the run then no longer matches, and the next run checks all of it again.
 */
export function writeCheckpoint(file: string, version: FileVersion, linesDone: number): void {
  const c: Checkpoint = { file: path.resolve(file), ...version, linesDone };
  fs.writeFileSync(checkpointPath(file), `${JSON.stringify(c)}\n`);
}
