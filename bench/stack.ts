/**
 * The benchmark's own deployment: an in-memory Temporal dev server, the HTTP fakes with fixed latencies,
 * and the real worker and API processes (node dist/src/{worker,api}/main.js) configured like production
 * (default log level, JSON logs), with budgets high enough that no rate limit paces the run.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { writeSampleLogs } from '../src/sample-data/write-logs';
import { findTemporalCli, startDevServer, type DevServer } from '../src/temporal/dev-server';
import { startFakes, type RunningFakes } from '../test/fakes';
import { spawnService, type ServiceProcess } from '../test/helpers/processes';
import { freePort, freeServicePorts } from '../test/setup/global';

export interface Latencies {
  virustotalMs: number;
  slackMs: number;
  jiraMs: number;
}

export interface BenchStack {
  fakes: RunningFakes;
  server: DevServer;
  client: Client;
  worker: ServiceProcess;
  api: ServiceProcess;
  apiUrl: string;
  workerMetricsUrl: string;
  taskQueue: string;
  env: Record<string, string>;
  /** Another API process on a task queue no worker polls: intake measured on its own. */
  startIntakeApi(): Promise<{ url: string; taskQueue: string; stop(): Promise<void> }>;
  stop(): Promise<void>;
}

export const WEBHOOK_SECRET = 'bench-webhook-secret';

/**
 * What the bench has started, stopped in reverse order — after a failed start, on Ctrl-C or SIGTERM, and at
 * the end — so no dev server, worker, API or 76 MB of sample logs outlive it. Each step runs once.
 */
export class Teardown {
  private readonly steps: Array<() => unknown> = [];
  private running?: Promise<void>;

  add(step: () => unknown): void {
    this.steps.push(step);
  }

  run(): Promise<void> {
    this.running ??= (async () => {
      for (const step of this.steps.reverse()) {
        try {
          await step();
        } catch {
          // Stop the rest whatever one of them says.
        }
      }
    })();
    return this.running;
  }
}

export async function startBenchStack(
  latencies: Latencies,
  say: (text: string) => void,
  workerNodeArgs: string[] = [],
  settings: Record<string, string> = {},
  teardown = new Teardown(),
): Promise<BenchStack> {
  try {
    return await startParts(latencies, say, workerNodeArgs, settings, teardown);
  } catch (err) {
    await teardown.run();
    throw err;
  }
}

async function startParts(
  latencies: Latencies,
  say: (text: string) => void,
  workerNodeArgs: string[],
  settings: Record<string, string>,
  teardown: Teardown,
): Promise<BenchStack> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'autotriage-bench-'));
  teardown.add(() => fs.rmSync(dir, { recursive: true, force: true }));
  say('generating the sample logs (250 users × 90 days, as npm start does)…');
  await writeSampleLogs(path.join(dir, 'logs'), { onProgress: () => undefined });
  const fakes = await startFakes({
    vt: { latencyMs: latencies.virustotalMs, maxRecordedRequests: 1000 },
    slack: { latencyMs: latencies.slackMs, maxRecordedRequests: 1000 },
    jira: { latencyMs: latencies.jiraMs, maxRecordedRequests: 1000 },
  });
  teardown.add(() => fakes.stop());
  say('starting an in-memory Temporal dev server…');
  const server = await startDevServer({ cliPath: findTemporalCli(), port: await freePort() });
  teardown.add(() => server.stop());
  const connection = await Connection.connect({ address: server.address });
  teardown.add(() => connection.close());
  const client = new Client({ connection });
  const taskQueue = 'bench';
  const { port: apiPort, metricsPort } = await freeServicePorts();
  const env: Record<string, string> = {
    ...fakes.env,
    TEMPORAL_ADDRESS: server.address,
    TEMPORAL_TASK_QUEUE: taskQueue,
    WEBHOOK_SECRET,
    PORT: String(apiPort),
    METRICS_PORT: String(metricsPort),
    LOCAL_SIEM_LOGS: path.join(dir, 'logs'),
    DATA_DIR: path.join(dir, 'data'),
    // The fakes do not rate-limit; a production budget would pace the storm, not the orchestration.
    VIRUSTOTAL_RATE_PER_MINUTE: '1000000',
    VIRUSTOTAL_DAILY_BUDGET: '10000000',
    LOG_FORMAT: 'json',
    // As npm start and the Docker image run it (see src/cli/start.ts).
    MALLOC_ARENA_MAX: '2',
    ...settings,
  };
  say('starting the worker and the API…');
  // Both run outside the project root (spawnService), so a developer's .env cannot change what is measured.
  const worker = spawnService('worker', env, workerNodeArgs);
  teardown.add(() => worker.stop());
  const api = spawnService('api', env);
  teardown.add(() => api.stop());
  await Promise.all([worker.waitFor(/worker started/, 60_000), api.waitFor(/API listening/, 60_000)]);
  // Keep the processes' output from growing without bound over a storm (the helper records every line).
  const trim = setInterval(() => {
    for (const p of [worker, api]) if (p.output.length > 2000) p.output.splice(0, p.output.length - 200);
  }, 1000);
  teardown.add(() => clearInterval(trim));

  return {
    fakes,
    server,
    client,
    worker,
    api,
    apiUrl: `http://127.0.0.1:${apiPort}`,
    workerMetricsUrl: `http://127.0.0.1:${metricsPort}/metrics`,
    taskQueue,
    env,
    async startIntakeApi() {
      const port = await freePort();
      const queue = 'bench-intake-unpolled';
      const p = spawnService('api', { ...env, PORT: String(port), TEMPORAL_TASK_QUEUE: queue });
      teardown.add(() => p.stop());
      await p.waitFor(/API listening/, 60_000);
      return { url: `http://127.0.0.1:${port}`, taskQueue: queue, stop: () => p.stop() };
    },
    stop: () => teardown.run(),
  };
}

/** Resident set size of a process in MB (Linux /proc). */
export function rssMb(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/^VmRSS:\s+(\d+)\s+kB/m.exec(status)?.[1] ?? 0);
  return kb / 1024;
}

const CLOCK_TICKS_PER_S = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/** CPU time a process has used so far, user + system, in seconds (Linux /proc). */
export function cpuSeconds(pid: number): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The fields after the command name, which is in parentheses and may itself contain spaces.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_S;
}

/** Samples a process's RSS until stopped; returns the peak. */
export function rssSampler(pid: number, everyMs = 200): { stop(): number } {
  let peak = rssMb(pid);
  const timer = setInterval(() => {
    try {
      peak = Math.max(peak, rssMb(pid));
    } catch {
      // The process is gone.
    }
  }, everyMs);
  return {
    stop() {
      clearInterval(timer);
      return peak;
    },
  };
}
