/**
 * Runs the service's processes side by side with readable, prefixed output, and stops them in order.
 * Children get their own process group, so a terminal's Ctrl-C reaches only us and we decide the order
 * (API, then worker, then the Temporal server).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { LIFELINE_ENV } from './lifeline';

const COLORS = { api: 36, worker: 35, temporal: 33, start: 32 } as const;
export type ProcessName = keyof typeof COLORS;

export function prefix(name: ProcessName): string {
  const label = `[${name}]`.padEnd(10);
  return process.stdout.isTTY ? `\x1b[${COLORS[name]}m${label}\x1b[0m` : label;
}

export function printer(name: ProcessName): (line: string) => void {
  return (line) => process.stdout.write(`${prefix(name)} ${line}\n`);
}

export function pipeLines(stream: NodeJS.ReadableStream | null, onLine: (line: string) => void): void {
  let buffer = '';
  stream?.on('data', (chunk: Buffer) => {
    buffer += chunk.toString('utf8');
    const lines = buffer.split('\n');
    buffer = lines.pop() ?? '';
    for (const line of lines) if (line.length) onLine(line);
  });
  stream?.on('end', () => buffer && onLine(buffer));
}

export interface Supervised {
  name: ProcessName;
  child: ChildProcess;
  exited: Promise<number | null>;
}

export function runNode(name: ProcessName, script: string, env: NodeJS.ProcessEnv): Supervised {
  // stdin is the child's lifeline (lifeline.ts): it closes when we die, and the child stops.
  const child = spawn(process.execPath, ['--enable-source-maps', script], {
    env: { ...env, [LIFELINE_ENV]: 'stdin' },
    stdio: ['pipe', 'pipe', 'pipe'],
    detached: true,
  });
  const print = printer(name);
  pipeLines(child.stdout, print);
  pipeLines(child.stderr, print);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { name, child, exited };
}

/** SIGTERM, then SIGKILL after the grace period. */
export async function stop(p: { child: ChildProcess; exited: Promise<unknown> }, graceMs = 15_000): Promise<void> {
  if (p.child.exitCode !== null || p.child.signalCode !== null) return;
  const timer = setTimeout(() => p.child.kill('SIGKILL'), graceMs);
  p.child.kill('SIGTERM');
  await p.exited;
  clearTimeout(timer);
}
