/** The service's real processes (node dist/src/{api,worker}/main.js) for end-to-end tests. */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { projectRoot } from '../../src/config/paths';
import { freeServicePorts } from '../setup/global';

export interface ServiceProcess {
  name: string;
  child: ChildProcess;
  output: string[];
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<string>;
  stop(): Promise<void>;
}

/**
 * A folder with no `.env` in it, where the project's processes run in tests and the bench: from the project
 * root they would read the developer's `.env` (real API keys, SIEM=panther, another namespace, a webhook
 * secret) under the environment they are given. Pass it as `cwd` to any other child process of ours.
 */
export const NEUTRAL_CWD = fs.mkdtempSync(path.join(os.tmpdir(), 'autotriage-cwd-'));
process.once('exit', () => fs.rmSync(NEUTRAL_CWD, { recursive: true, force: true }));

export function spawnService(name: 'api' | 'worker', env: Record<string, string>, nodeArgs: string[] = []): ServiceProcess {
  return spawnScript(name, path.join('dist', 'src', name, 'main.js'), env, nodeArgs);
}

/** Any of the project's scripts (a path under the project root) as a supervised process. */
export function spawnScript(name: string, scriptPath: string, env: Record<string, string>, nodeArgs: string[] = [], cwd = NEUTRAL_CWD): ServiceProcess {
  const script = path.join(projectRoot(), scriptPath);
  const child = spawn(process.execPath, ['--enable-source-maps', ...nodeArgs, script], {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', LOG_FORMAT: 'json', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    cwd,
  });
  const output: string[] = [];
  const waiters: Array<{ pattern: RegExp; resolve: (line: string) => void }> = [];
  const onLine = (line: string) => {
    output.push(line);
    for (const w of [...waiters]) {
      if (w.pattern.test(line)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(line);
      }
    }
  };
  // A pipe read can end in the middle of a line: readline joins the pieces.
  for (const stream of [child.stdout, child.stderr]) {
    if (stream) readline.createInterface({ input: stream, crlfDelay: Infinity }).on('line', (line) => line && onLine(line));
  }
  // 'close' comes after both pipes are drained, so `output` is complete once stop() resolves.
  let closed = false;
  const exited = new Promise<void>((resolve) =>
    child.once('close', () => {
      closed = true;
      resolve();
    }),
  );
  return {
    name,
    child,
    output,
    waitFor(pattern, timeoutMs = 30_000) {
      const seen = output.find((l) => pattern.test(l));
      if (seen) return Promise.resolve(seen);
      const exitedFirst = () => new Error(`${name} exited before printing ${pattern}; output:\n${output.slice(-30).join('\n')}`);
      if (closed) return Promise.reject(exitedFirst());
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`${name} did not print ${pattern} within ${timeoutMs} ms; output:\n${output.slice(-30).join('\n')}`)),
          timeoutMs,
        );
        const onClose = () => reject(exitedFirst());
        child.once('close', onClose);
        waiters.push({
          pattern,
          resolve: (line) => {
            clearTimeout(timer);
            child.off('close', onClose);
            resolve(line);
          },
        });
      });
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return exited;
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      child.kill('SIGTERM');
      await exited;
      clearTimeout(timer);
    },
  };
}

export interface RunningServices {
  api: ServiceProcess;
  worker: ServiceProcess;
  /** The API's base URL. */
  base: string;
  /** The worker's Prometheus endpoint. */
  metrics: string;
  stop(): Promise<void>;
}

/** The worker and the API with `env`, on free ports of their own (PORT, METRICS_PORT), both ready. */
export async function startServices(env: Record<string, string>, readyTimeoutMs = 30_000): Promise<RunningServices> {
  const { port, metricsPort } = await freeServicePorts();
  const full = { ...env, PORT: String(port), METRICS_PORT: String(metricsPort) };
  const worker = spawnService('worker', full);
  const api = spawnService('api', full);
  try {
    await Promise.all([worker.waitFor(/worker started/, readyTimeoutMs), api.waitFor(/API listening/, readyTimeoutMs)]);
  } catch (err) {
    await Promise.all([api.stop(), worker.stop()]);
    throw err;
  }
  return {
    api,
    worker,
    base: `http://127.0.0.1:${port}`,
    metrics: `http://127.0.0.1:${metricsPort}/metrics`,
    stop: async () => {
      await Promise.all([api.stop(), worker.stop()]);
    },
  };
}
