/**
 * The Temporal CLI dev server (server + Web UI in one binary), as `npm start` and the tests run it:
 * found or provisioned by scripts/temporal-cli.sh, started with the search attributes of DESIGN.md,
 * waited for until it answers, and stopped cleanly.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time';
import { projectRoot } from '../config/paths';
import type { TemporalConnectionOptions } from './connection-options';
import { devServerSearchAttributeArgs } from './search-attributes';

/** Runs scripts/temporal-cli.sh (find, download or `go install`); its progress goes to our stderr. */
export function findTemporalCli(env: NodeJS.ProcessEnv = process.env): string {
  const script = path.join(projectRoot(), 'scripts', 'temporal-cli.sh');
  const out = execFileSync('bash', [script], { env, stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });
  const cli = out.trim().split('\n').pop();
  if (!cli) throw new Error('scripts/temporal-cli.sh printed no path');
  return cli;
}

export function splitAddress(address: string): { host: string; port: number } {
  const m = /^(.*):(\d+)$/.exec(address);
  if (!m) throw new Error(`TEMPORAL_ADDRESS must be host:port, got ${address}`);
  return { host: m[1]!.replace(/^\[|\]$/g, ''), port: Number(m[2]) };
}

export function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\./.test(host);
}

/** Whether something accepts TCP connections there (cheap, no gRPC). */
export function isPortOpen(host: string, port: number, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (open: boolean) => {
      socket.destroy();
      resolve(open);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/** Whether a Temporal frontend answers at the address (with TLS and an API key where the options say so). */
export async function isTemporalUp(target: string | TemporalConnectionOptions, timeoutMs = 2000): Promise<boolean> {
  const options = typeof target === 'string' ? { address: target } : target;
  const { host, port } = splitAddress(options.address);
  if (!(await isPortOpen(host, port, timeoutMs))) return false;
  try {
    const connection = await Connection.connect({ ...options, connectTimeout: timeoutMs });
    await connection.close();
    return true;
  } catch {
    return false;
  }
}

export interface DevServerOptions {
  cliPath: string;
  ip?: string;
  port: number;
  /** Web UI port; omit for a headless server. */
  uiPort?: number;
  /** SQLite file; omit for an in-memory server. */
  dbFile?: string;
  namespace?: string;
  /**
   * How long closed runs are kept (the CLI creates its namespace with 24 h). It is also how long a resent
   * alert is recognized as a duplicate and how far back `npm run report` sees.
   */
  retentionDays?: number;
  /** The Web UI's codec endpoint (payload encryption on). */
  codecEndpoint?: string;
  /** Each line the server prints. */
  onOutput?: (line: string) => void;
  /** More `--dynamic-config-value name=value` settings (values as YAML scalars). */
  dynamicConfig?: Record<string, string | number | boolean>;
  startupTimeoutMs?: number;
  /**
   * Own process group, so a terminal's Ctrl-C reaches only the parent, which stops the server last
   * (npm start). Tests leave it attached so the server dies with an interrupted test run.
   */
  detached?: boolean;
  /** Aborts the start (Ctrl-C while it boots): the half-started server is stopped, the call rejects. */
  signal?: AbortSignal;
  /** The server's process, as soon as it is spawned (before it answers): so a hurried exit can still kill it. */
  onSpawn?: (child: ChildProcess) => void;
}

export interface DevServer {
  address: string;
  uiUrl?: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

export function devServerArgs(o: DevServerOptions): string[] {
  return [
    'server',
    'start-dev',
    '--ip',
    o.ip ?? '127.0.0.1',
    '--port',
    String(o.port),
    ...(o.uiPort !== undefined ? ['--ui-port', String(o.uiPort)] : ['--headless']),
    ...(o.uiPort !== undefined && o.codecEndpoint ? ['--ui-codec-endpoint', o.codecEndpoint] : []),
    ...(o.dbFile ? ['--db-filename', o.dbFile, '--sqlite-pragma', 'journal_mode=WAL'] : []),
    ...(o.namespace && o.namespace !== 'default' ? ['--namespace', o.namespace] : []),
    ...devServerSearchAttributeArgs(),
    // One partition per task queue: a provider queue's rate limit is then smooth (one call every 15 s
    // at 4/min) instead of bursts of up to one call per partition. The total rate is the same either way.
    '--dynamic-config-value',
    'matching.numTaskqueueReadPartitions=1',
    '--dynamic-config-value',
    'matching.numTaskqueueWritePartitions=1',
    // The history service polls its task queues for new tasks at most 20 times a second by default; with
    // the dev server's single shard every workflow and activity task waits ~25 ms for that poll. 200/s
    // brings a task hop down to a few ms (measured by npm run bench: see the README).
    '--dynamic-config-value',
    'history.transferProcessorMaxPollRPS=200',
    '--dynamic-config-value',
    'history.timerProcessorMaxPollRPS=200',
    '--dynamic-config-value',
    'history.visibilityProcessorMaxPollRPS=200',
    // An activity on the worker's own task queue comes back in the reply to the workflow task that
    // scheduled it, instead of a trip through matching (the server's default is off).
    '--dynamic-config-value',
    'system.enableActivityEagerExecution=true',
    '--dynamic-config-value',
    'frontend.enableUpdateWorkflowExecution=true',
    '--dynamic-config-value',
    'frontend.enableUpdateWorkflowExecutionAsyncAccepted=true',
    ...Object.entries(o.dynamicConfig ?? {}).flatMap(([name, value]) => ['--dynamic-config-value', `${name}=${String(value)}`]),
    // WARN is mostly noise from its own shutdown; real problems are logged at ERROR.
    '--log-level',
    'error',
  ];
}

function stopProcess(child: ChildProcess, graceMs = 10_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/** Sets the namespace's retention of closed runs (idempotent: npm start applies it at every start). */
export async function setRetention(address: string, namespace: string, days: number): Promise<void> {
  const connection = await Connection.connect({ address, connectTimeout: 10_000 });
  try {
    // Bounded, so a Ctrl-C during the start never waits on it.
    await connection.withDeadline(Date.now() + 10_000, () =>
      connection.workflowService.updateNamespace({ namespace, config: { workflowExecutionRetentionTtl: msToTs(days * 86_400_000) } }),
    );
  } finally {
    await connection.close();
  }
}

export async function startDevServer(o: DevServerOptions): Promise<DevServer> {
  const ip = o.ip ?? '127.0.0.1';
  // gRPC addresses and URLs put an IPv6 host in brackets.
  const host = ip.includes(':') ? `[${ip}]` : ip;
  const address = `${host}:${o.port}`;
  if (await isPortOpen(ip, o.port, 500)) throw new Error(`port ${o.port} on ${ip} is already in use`);
  const child = spawn(o.cliPath, devServerArgs(o), { stdio: ['ignore', 'pipe', 'pipe'], detached: o.detached ?? false });
  o.onSpawn?.(child);
  const recent: string[] = [];
  const onLine = (chunk: Buffer) => {
    for (const line of chunk.toString('utf8').split('\n')) {
      if (!line.trim()) continue;
      recent.push(line);
      if (recent.length > 30) recent.shift();
      o.onOutput?.(line);
    }
  };
  child.stdout?.on('data', onLine);
  child.stderr?.on('data', onLine);
  let exited = false;
  child.once('exit', () => (exited = true));

  const deadline = Date.now() + (o.startupTimeoutMs ?? 60_000);
  const stopIfAborted = async () => {
    if (!o.signal?.aborted) return;
    await stopProcess(child);
    throw new Error('the Temporal dev server start was interrupted; it is stopped');
  };
  // Checked after the server answers too: a server that lost the port (or the SQLite file) to another
  // one started at the same moment exits, while the other answers on the address.
  while (!(await isTemporalUp(address, 1000)) || exited) {
    await stopIfAborted();
    if (exited) throw new Error(`the Temporal dev server exited during start:\n${recent.join('\n')}`);
    if (Date.now() > deadline) {
      await stopProcess(child);
      throw new Error(`the Temporal dev server did not answer on ${address} within ${o.startupTimeoutMs ?? 60_000} ms:\n${recent.join('\n')}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  if (o.retentionDays !== undefined) {
    await setRetention(address, o.namespace ?? 'default', o.retentionDays).catch(async (err: unknown) => {
      await stopProcess(child);
      throw err;
    });
  }
  await stopIfAborted();
  return {
    address,
    uiUrl: o.uiPort !== undefined ? `http://${host}:${o.uiPort}` : undefined,
    process: child,
    stop: () => stopProcess(child),
  };
}
