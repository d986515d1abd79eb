/**
 * A service process started by `npm start` stops when `npm start` is gone, however it went (SIGKILL,
 * the OOM killer): the supervisor holds the write end of our stdin, and the kernel closes it when the
 * supervisor dies. The stop is the same as on SIGTERM (drain, then exit), so nothing is orphaned to hold
 * the ports or keep polling with old code.
 */
import type { Socket } from 'node:net';

export const LIFELINE_ENV = 'AUTOTRIAGE_LIFELINE';

/**
 * Our stdout and stderr lead to a supervisor or terminal that is gone: writing to them fails (EPIPE, EIO),
 * and that must not crash the clean stop under way.
 */
export function ignoreClosedOutput(): void {
  for (const stream of [process.stdout, process.stderr]) stream.on('error', () => undefined);
}

export function stopWhenSupervisorDies(): void {
  if (process.env[LIFELINE_ENV] !== 'stdin') return;
  const stdin = process.stdin as NodeJS.ReadStream & Partial<Pick<Socket, 'unref'>>;
  const stop = () => {
    ignoreClosedOutput();
    process.kill(process.pid, 'SIGTERM');
  };
  stdin.once('end', stop);
  stdin.once('error', stop);
  stdin.resume();
  // Watching must not keep the process alive once it has stopped for another reason.
  stdin.unref?.();
}
