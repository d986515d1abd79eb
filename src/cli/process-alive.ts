import { spawnSync } from 'node:child_process';
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
 * The arguments `pid` runs with, or undefined when they cannot be read (the process is gone): what tells a
 * live process from another one that reuses a dead one's pid. From /proc on Linux, else from `ps`.
 */
export function commandLine(pid: number): string[] | undefined {
  if (!fs.existsSync('/proc/self/cmdline')) return commandLineFromPs(pid);
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
  } catch {
    return undefined;
  }
}

/**
 * `ps -o args=` (macOS, the BSDs): the arguments joined by spaces, so split on them. A path with a space
 * in it comes apart and then matches nothing: such a process is never taken for ours, which is the safe side.
 */
export function commandLineFromPs(pid: number): string[] | undefined {
  const ps = spawnSync('ps', ['-ww', '-o', 'args=', '-p', String(pid)], { encoding: 'utf8' });
  const line = ps.status === 0 ? ps.stdout.trim() : '';
  return line ? line.split(/\s+/) : undefined;
}
