import fs from 'node:fs';

/** Whether `pid` is a running process (one we may not signal still runs; a zombie does not). */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
  // A zombie (exited, not yet reaped by a PID 1 that does not reap) answers the signal but is gone.
  try {
    return !/^\d+ \(.*\) Z/s.test(fs.readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return true;
  }
}

/**
 * The arguments `pid` runs with, or undefined when they cannot be read (no /proc, or the process is gone):
 * what tells a live process from another one that reuses a dead one's pid.
 */
export function commandLine(pid: number): string[] | undefined {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
  } catch {
    return undefined;
  }
}
