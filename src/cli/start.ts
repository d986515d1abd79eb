/**
 * `npm start`: the whole service on the embedded defaults — the Temporal dev server (unless one already
 * answers at TEMPORAL_ADDRESS), sample logs for the embedded SIEM (when there are none), the worker and
 * the API. Ctrl-C stops the API, then the worker, then the server.
 */
import type { ChildProcess } from 'node:child_process';
import type { Dirent } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { DEFAULT_LOCAL_SIEM_LOGS, apiListenHost, loadConfigOrExit } from '../config/config';
import { projectRoot } from '../config/paths';
import { writeSampleLogs } from '../sample-data/write-logs';
import { connectionOptions, type TemporalConnectionOptions } from '../temporal/connection-options';
import { findTemporalCli, isLoopbackHost, isTemporalUp, splitAddress, startDevServer, type DevServer } from '../temporal/dev-server';
import { forgetServer, recordServer, serverRecordFile, stopLeftoverServer } from './leftover-server';
import { ignoreClosedOutput } from './lifeline';
import { takeStartLock } from './start-lock';
import { printer, runNode, stop, type Supervised } from './supervisor';
import { errorMessage } from '../logging/error-message';
import { wantsColor } from '../logging/logger';

const say = printer('start');

/**
 * Closed runs are kept this long (the CLI's default is 24 h): it is the window in which a resent alert
 * is recognized as a duplicate, and how far back `npm run report` sees. The compose setup keeps 720 h too.
 */
const DEV_SERVER_RETENTION_DAYS = 30;

/**
 * Whether the embedded SIEM's folder holds logs. A folder that cannot be read is an error naming the
 * variable, not "no logs": sample logs must never be written into a real log folder that is only
 * unreadable (or, when it must exist, not mounted yet).
 */
async function hasLogs(dir: string, mustExist: boolean): Promise<boolean> {
  let folders: Dirent[];
  try {
    folders = await fs.readdir(dir, { withFileTypes: true });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' && !mustExist) return false;
    if (code === 'ENOENT') {
      throw new Error(`LOCAL_SIEM_LOGS=${dir} does not exist: fix the path (a volume not mounted?), or create the folder empty to have sample logs written there`);
    }
    throw new Error(`LOCAL_SIEM_LOGS=${dir} cannot be read (${code ?? errorMessage(err)})`);
  }
  for (const folder of folders) {
    // Dot folders are not tables (the SIEM skips them too): the sample generator's staging folder is one.
    if (!folder.isDirectory() || folder.name.startsWith('.')) continue;
    const table = path.join(dir, folder.name);
    const files = await fs.readdir(table).catch((err: NodeJS.ErrnoException) => {
      // Gone since the listing: no logs there. Unreadable: perhaps real logs, so no sample logs beside them.
      if (err.code === 'ENOENT') return [];
      throw new Error(`LOCAL_SIEM_LOGS=${dir}: its folder ${folder.name}/ cannot be read (${err.code ?? errorMessage(err)})`);
    });
    if (files.some((f) => /\.(jsonl|ndjson|json)(\.gz)?$/.test(f))) return true;
  }
  return false;
}

async function ensureTemporal(
  connection: TemporalConnectionOptions,
  uiPort: number,
  dataDir: string,
  namespace: string,
  codecEndpoint: string | undefined,
  signal: AbortSignal,
  onSpawn: (child: ChildProcess) => void,
): Promise<DevServer | undefined> {
  const { address } = connection;
  const record = serverRecordFile(dataDir);
  const leftover = await stopLeftoverServer(record);
  if (leftover) say(`stopped the Temporal dev server (pid ${leftover}) that an earlier npm start, killed outright, left running`);
  // A remote server (Temporal Cloud, a TLS cluster) is reached as the worker and the API will reach it.
  if (await isTemporalUp(connection)) {
    say(`using the Temporal server already running at ${address}`);
    return undefined;
  }
  const { host, port } = splitAddress(address);
  if (!isLoopbackHost(host)) {
    throw new Error(`Temporal is not reachable at TEMPORAL_ADDRESS=${address}; start it, or unset TEMPORAL_ADDRESS to run the embedded dev server`);
  }
  say('finding the Temporal CLI (scripts/temporal-cli.sh)…');
  const cliPath = findTemporalCli();
  await fs.mkdir(dataDir, { recursive: true });
  const dbFile = path.join(dataDir, 'temporal.db');
  say(`starting the Temporal dev server on ${address} (state in ${path.relative(process.cwd(), dbFile)}, Web UI on :${uiPort})…`);
  const started = Date.now();
  const server = await startDevServer({
    cliPath,
    ip: host === 'localhost' ? '127.0.0.1' : host,
    port,
    uiPort,
    dbFile,
    namespace,
    retentionDays: DEV_SERVER_RETENTION_DAYS,
    codecEndpoint,
    detached: true,
    signal,
    onOutput: printer('temporal'),
    onSpawn: (child) => {
      // Named for the next npm start, should this one be killed outright (see leftover-server.ts).
      if (child.pid) recordServer(record, child.pid, dbFile);
      onSpawn(child);
    },
  });
  say(`Temporal dev server ready in ${((Date.now() - started) / 1000).toFixed(1)} s (closed runs kept ${DEV_SERVER_RETENTION_DAYS} days)`);
  return server;
}

/** How long after a first signal an identical one is taken as its echo (see onSignal). */
const SIGNAL_ECHO_MS = 1000;

async function main(): Promise<void> {
  // Ctrl-C in `npm start | tee log` stops tee too: a message to the closed pipe must not crash the stop.
  ignoreClosedOutput();
  const config = loadConfigOrExit();
  const root = projectRoot();
  const lock = takeStartLock(config.dataDir);
  if (!lock.taken) {
    say(
      `another npm start (pid ${lock.heldBy}) runs with DATA_DIR=${config.dataDir}: stop it first (Ctrl-C in its terminal, or kill ${lock.heldBy}), ` +
        'or give this one its own DATA_DIR (and PORT, METRICS_PORT, TEMPORAL_ADDRESS, TEMPORAL_UI_PORT)',
    );
    process.exit(1);
  }
  let server: DevServer | undefined;
  /** The dev server's process from the moment it is spawned: an exit during its boot still kills it. */
  let serverProcess: ChildProcess | undefined;
  const children: Supervised[] = [];
  let stopping = false;
  // A Ctrl-C while the server boots: it runs in its own process group, so the signal never reaches it.
  const aborter = new AbortController();
  let serverStarting: Promise<unknown> | undefined;

  const shutdown = async (reason: string, code: number) => {
    if (stopping) return;
    stopping = true;
    say(`${reason}: stopping the API, the worker, then the Temporal server…`);
    aborter.abort();
    await serverStarting?.catch(() => undefined);
    for (const name of ['api', 'worker'] as const) {
      const p = children.find((c) => c.name === name);
      if (p) await stop(p);
    }
    await server?.stop();
    if (server) forgetServer(serverRecordFile(config.dataDir));
    say('stopped');
    process.exit(code);
  };
  // A second Ctrl-C while stopping: stop now (the exit handler below still kills the server and workers).
  // One Ctrl-C under `npm start` arrives twice (from the terminal, and forwarded by npm, which `exec`s us):
  // a second SIGINT within a second of the first is that echo, not an impatient user.
  // A repeated SIGTERM or SIGHUP (a closing terminal often sends two) lets the clean stop finish.
  let firstSignalAt = 0;
  const onSignal = (reason: string, again: 'exit' | 'wait') => () => {
    if (!stopping) {
      firstSignalAt = Date.now();
      void shutdown(reason, 0);
    } else if (again === 'exit' && Date.now() - firstSignalAt > SIGNAL_ECHO_MS) process.exit(130);
  };
  process.on('SIGINT', onSignal('Ctrl-C', 'exit'));
  process.on('SIGTERM', onSignal('SIGTERM', 'wait'));
  // The terminal closed (or the SSH session dropped): the children run in their own process group and get
  // no SIGHUP of their own, so without this they would outlive us and hold the ports. Writing to the
  // closed terminal then fails (EIO): that must not crash the stop.
  process.on('SIGHUP', onSignal('the terminal closed (SIGHUP)', 'wait'));
  process.once('exit', () => {
    lock.release();
    for (const c of children) c.child.kill('SIGKILL');
    if (serverProcess && serverProcess.exitCode === null && serverProcess.signalCode === null) {
      serverProcess.kill('SIGKILL');
      forgetServer(serverRecordFile(config.dataDir));
    }
  });

  // Checked before anything starts: a log folder that cannot be used stops us with its reason. The
  // default folder is created with sample logs when missing; one chosen elsewhere must exist.
  const logsDir = config.siem.kind === 'local' ? config.siem.logsDir : undefined;
  const needsSampleLogs = logsDir !== undefined && !(await hasLogs(logsDir, logsDir !== path.resolve(DEFAULT_LOCAL_SIEM_LOGS)));

  const codecEndpoint = config.codec ? `${config.api.publicUrl}/codec` : undefined;
  const starting = ensureTemporal(connectionOptions(config), config.temporal.uiPort, config.dataDir, config.temporal.namespace, codecEndpoint, aborter.signal, (child) => {
    serverProcess = child;
  });
  serverStarting = starting;
  // Interrupted: the shutdown under way reports it and exits.
  server = await starting.catch((err: unknown) => (stopping ? new Promise<never>(() => undefined) : Promise.reject(err)));
  // Watched from here on: a server that dies while the sample logs are written stops us too.
  if (server) {
    const running = server;
    const died = running.process.exitCode !== null || running.process.signalCode !== null;
    void (died ? Promise.resolve() : new Promise((r) => running.process.once('exit', r))).then(() => {
      if (!stopping) void shutdown('the Temporal server exited', 1);
    });
  }
  if (codecEndpoint) {
    say(`payloads are encrypted; the Web UI decodes them through ${codecEndpoint} — open ${codecEndpoint}/login once in the browser and paste CODEC_AUTH_TOKEN`);
  }
  if (stopping) return;

  if (logsDir !== undefined && needsSampleLogs) {
    say(`LOCAL_SIEM_LOGS (${logsDir}) holds no logs: writing sample Okta logs (as \`npm run sample-data\` does)…`);
    const result = await writeSampleLogs(logsDir, {});
    say(`wrote ${result.events} events in ${result.files} files (${(result.bytes / 1e6).toFixed(1)} MB), ${result.from} → ${result.to}`);
    // Ctrl-C (or the server's end) while they were written: the stop under way must not race new children.
    if (stopping) return;
  }

  const env = {
    ...process.env,
    TEMPORAL_ADDRESS: config.temporal.address,
    // An empty value (`LOG_FORMAT=` in .env) means unset, as everywhere in the configuration.
    LOG_FORMAT: process.env.LOG_FORMAT?.trim() || (process.stdout.isTTY ? 'pretty' : 'json'),
    // glibc gives each thread (V8, the SDK's Rust core, DuckDB) its own malloc arena; two keep the
    // worker's RSS ~130 MB lower in a storm at no measured cost in throughput (npm run bench).
    MALLOC_ARENA_MAX: process.env.MALLOC_ARENA_MAX?.trim() || '2',
    // The children's stdout is our pipe: colour as this terminal would, unless the user said otherwise.
    ...(wantsColor(process.env, process.stdout.isTTY === true) ? { FORCE_COLOR: '1' } : { FORCE_COLOR: '0' }),
  };
  children.push(runNode('worker', path.join(root, 'dist/src/worker/main.js'), env));
  children.push(runNode('api', path.join(root, 'dist/src/api/main.js'), env));
  for (const c of children) {
    void c.exited.then((code) => {
      if (!stopping) void shutdown(`the ${c.name} exited (code ${code})`, 1);
    });
  }
  say(
    [
      'autotriage is starting:',
      `  API        http://${apiListenHost(config.api).host}:${config.api.port}  (POST /webhooks/panther, /webhooks/alerts)`,
      `  Web UI     ${server?.uiUrl ?? `the UI of the server at ${config.temporal.address}`}  (every alert is a workflow: alert/<source>/<alertId>)`,
      `  Try it     npm run demo   (in another terminal)`,
      '  Stop       Ctrl-C',
    ].join('\n'),
  );
}

main().catch((err) => {
  console.error(`autotriage: ${errorMessage(err)}`);
  process.exit(1);
});
