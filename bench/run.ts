/**
 * `npm run bench -- [--out bench.json] [--storm 5000] [--storm-ips 1000] [--latency-alerts 100]
 *                   [--vt-ms 200] [--slack-ms 100] [--jira-ms 150] [--intake-seconds 5]
 *                   [--phases intake,latency,storm] [--env NAME=VALUE]...`
 *
 * `--storm 0` or a `--phases` list without `storm` skips the storm; `--env` passes a setting to the worker
 * and the API (TRIAGE_START_RATE=20, WORKER_MAX_CACHED_WORKFLOWS=500, …), recorded in the JSON.
 *
 * Self-contained: starts its own in-memory Temporal dev server, HTTP fakes with fixed latencies, and the
 * real worker and API processes; measures intake, end-to-end latency, cost per alert and a storm; prints
 * a table and writes the numbers as JSON (to --out, else .data/bench/<start time>.json).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { projectRoot } from '../src/config/paths';
import { endIntakeWorkflows, measureCost, measureIntake, measureLatency, runStorm, type IntakeResult } from './phases';
import { Teardown, startBenchStack, type Latencies } from './stack';
import { round } from './stats';

interface Args {
  out?: string;
  storm: number;
  stormIps: number;
  latencyAlerts: number;
  intakeSeconds: number;
  latencies: Latencies;
  phases: Set<Phase>;
  env: Record<string, string>;
}

const PHASES = ['intake', 'latency', 'storm'] as const;
type Phase = (typeof PHASES)[number];

const USAGE =
  'usage: npm run bench -- [--out bench.json] [--storm 5000] [--storm-ips 1000] [--latency-alerts 100] ' +
  '[--vt-ms 200] [--slack-ms 100] [--jira-ms 150] [--intake-seconds 5] [--phases intake,latency,storm] [--env NAME=VALUE]...';

/** Numeric flags: their smallest value, the default, and whether they count things (whole numbers). */
const NUMBERS = {
  storm: { min: 0, default: 5000, whole: true },
  'storm-ips': { min: 1, default: 1000, whole: true },
  'latency-alerts': { min: 1, default: 100, whole: true },
  'intake-seconds': { min: 1, default: 5, whole: false },
  'vt-ms': { min: 0, default: 200, whole: false },
  'slack-ms': { min: 0, default: 100, whole: false },
  'jira-ms': { min: 0, default: 150, whole: false },
} as const;

export function parseBenchArgs(argv: string[]): Args {
  const options = {
    out: { type: 'string' },
    phases: { type: 'string' },
    env: { type: 'string', multiple: true },
    ...Object.fromEntries(Object.keys(NUMBERS).map((name) => [name, { type: 'string' }])),
  } as const satisfies ParseArgsConfig['options'];
  // Not strict: an unknown or value-less flag is reported below with the usage, in our words.
  const { values, positionals } = parseArgs({ args: argv, options, strict: false, allowPositionals: true });
  const unknown = [...Object.keys(values).filter((k) => !(k in options)).map((k) => `--${k}`), ...positionals];
  if (unknown.length) throw new Error(`unknown argument ${unknown[0]}\n${USAGE}`);

  const num = (name: keyof typeof NUMBERS): number => {
    const raw = values[name];
    if (raw === undefined) return NUMBERS[name].default;
    const v = Number(raw);
    const { min, whole } = NUMBERS[name];
    if (typeof raw !== 'string' || raw === '' || !Number.isFinite(v) || v < min || (whole && !Number.isInteger(v))) {
      throw new Error(`--${name} needs ${whole ? 'a whole number' : 'a number'} ≥ ${min}\n${USAGE}`);
    }
    return v;
  };
  const text = (name: 'out' | 'phases', what: string): string | undefined => {
    const raw = values[name];
    if (raw !== undefined && (typeof raw !== 'string' || raw === '')) throw new Error(`--${name} needs ${what}\n${USAGE}`);
    return raw;
  };

  let phases = new Set<Phase>(PHASES);
  const phaseList = text('phases', `a list of ${PHASES.join(', ')}`);
  if (phaseList !== undefined) {
    const list = phaseList.split(',').filter(Boolean);
    const wrong = list.filter((x) => !(PHASES as readonly string[]).includes(x));
    if (!list.length || wrong.length) throw new Error(`--phases takes a list of ${PHASES.join(', ')}${wrong.length ? ` (not ${wrong.join(', ')})` : ''}\n${USAGE}`);
    phases = new Set(list as Phase[]);
  }
  const env: Record<string, string> = {};
  for (const setting of (values.env ?? []) as Array<string | boolean>) {
    const m = typeof setting === 'string' ? /^([A-Z][A-Z0-9_]*)=(.*)$/.exec(setting) : null;
    if (!m) throw new Error(`--env needs NAME=VALUE\n${USAGE}`);
    env[m[1]!] = m[2]!;
  }
  return {
    out: text('out', 'a file'),
    storm: num('storm'),
    stormIps: num('storm-ips'),
    latencyAlerts: num('latency-alerts'),
    intakeSeconds: num('intake-seconds'),
    latencies: { virustotalMs: num('vt-ms'), slackMs: num('slack-ms'), jiraMs: num('jira-ms') },
    phases,
    env,
  };
}

function table(rows: Array<[string, string, string]>): string {
  const w = [0, 1, 2].map((c) => Math.max(...rows.map((r) => r[c]!.length)));
  return rows.map((r) => r.map((cell, c) => cell.padEnd(w[c]!)).join('  ').trimEnd()).join('\n');
}

const verdict = (ok: boolean) => (ok ? 'met' : 'MISSED');

async function main(): Promise<void> {
  const args = parseBenchArgs(process.argv.slice(2));
  Runtime.install({ logger: new DefaultLogger('ERROR') });
  const say = (text: string) => process.stderr.write(`[bench] ${text}\n`);
  const machine = {
    date: new Date().toISOString(),
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model ?? 'unknown',
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    platform: `${os.platform()} ${os.release()}`,
  };
  say(`${machine.cpus} × ${machine.cpuModel}, ${machine.memoryGiB} GiB, Node ${machine.node}`);
  // Ctrl-C or SIGTERM at any point stops what has started (the children, the dev server) and removes the logs.
  const teardown = new Teardown();
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      say(`${signal}: stopping the bench's processes…`);
      void teardown.run().finally(() => process.exit(signal === 'SIGINT' ? 130 : 143));
    });
  }
  const stack = await startBenchStack(args.latencies, say, [], args.env, teardown);
  try {
    // 1. Intake on its own (its workflows go to a task queue no worker polls).
    const intake: IntakeResult[] = [];
    if (args.phases.has('intake')) {
      const intakeApi = await stack.startIntakeApi();
      // Warm-up (JIT, connection pools, the server's first writes), not measured.
      say('intake: warming up at 50/s for 3 s…');
      let ip = (await measureIntake(intakeApi.url, 50, 3, 0)).sent;
      for (const rate of [50, 100, 200]) {
        say(`intake: ${rate}/s for ${args.intakeSeconds} s…`);
        const r = await measureIntake(intakeApi.url, rate, args.intakeSeconds, ip);
        ip += r.sent;
        intake.push(r);
      }
      await intakeApi.stop();
      // Their triages are paced (TRIAGE_START_RATE) and would start for minutes on the server the next
      // phases measure: end them first.
      say('intake: ending its workflows, so the next phases run on a quiet server…');
      await endIntakeWorkflows(stack, intakeApi.taskQueue);
    }

    // 2. One alert at a time on a quiet system (after a few warm-up alerts).
    let latency;
    let cost;
    if (args.phases.has('latency')) {
      say(`latency: warming up, then ${args.latencyAlerts} alerts one at a time…`);
      await measureLatency(stack, args.latencies, 5, 20_000);
      latency = await measureLatency(stack, args.latencies, args.latencyAlerts, 20_100);
      cost = await measureCost(stack, args.latencyAlerts + 5);
    }

    // 3. The storm.
    let storm;
    if (args.phases.has('storm') && args.storm > 0) {
      say(`storm: ${args.storm} alerts over ${args.stormIps} IPs, as fast as intake accepts them…`);
      storm = await runStorm(stack, args.latencies, args.storm, args.stormIps, 40_000, say);
    }

    const at100 = intake.find((r) => r.offeredPerS === 100);
    const result = {
      machine,
      fakes: args.latencies,
      settings: args.env,
      intake: at100 && {
        rates: intake,
        p99_ms_at_100: at100.p99Ms,
      },
      e2e: latency && {
        alerts: latency.alerts,
        p50_ms: latency.p50Ms,
        p99_ms: latency.p99Ms,
        critical_path_ms: latency.criticalPathMs,
        slowest_siem_query_ms: latency.slowestSiemQueryMs,
        ratio_p50: latency.ratioP50,
        overhead_p50_ms: latency.overheadP50Ms,
      },
      storm: storm && {
        alerts: storm.alerts,
        tickets: storm.tickets,
        duplicate_tickets: storm.duplicateTickets,
        distinct_ips: storm.distinctIps,
        intake_seconds: storm.intakeSeconds,
        seconds: storm.seconds,
        alerts_per_s: storm.alertsPerS,
        peak_worker_rss_mb: storm.peakWorkerRssMb,
        worker_rss_before_mb: storm.workerRssBeforeMb,
        cpu_ms_per_alert: storm.cpuMsPerAlert,
      },
      tasks_per_alert: cost && cost.workflowTasksPerAlert + cost.activityTasksPerAlert,
      cost: cost && {
        workflow_tasks_per_alert: cost.workflowTasksPerAlert,
        activity_tasks_per_alert: cost.activityTasksPerAlert,
        history_events_per_alert: cost.historyEventsPerAlert,
        workflows_per_alert: cost.workflowsPerAlert,
        first_workflow_task_ms: cost.timing.firstWorkflowTaskMs,
        later_workflow_task_ms: cost.timing.laterWorkflowTaskMs,
        workflow_task_wait_ms: cost.timing.workflowTaskWaitMs,
        activity_task_wait_ms: cost.timing.activityTaskWaitMs,
      },
    };

    const rows: Array<[string, string, string]> = [['measure', 'result', 'target']];
    for (const r of intake) {
      const refused = r.accepted < r.sent ? ` (${r.sent - r.accepted} of ${r.sent} not accepted)` : '';
      rows.push([
        `intake at ${r.offeredPerS}/s offered`,
        `${r.acceptedPerS}/s accepted, p50 ${r.p50Ms} ms, p99 ${r.p99Ms} ms${refused}`,
        // Every request must be accepted too: a slow one that timed out into a 503 is not a fast one.
        r.offeredPerS === 100 ? `p99 < 50 ms, all accepted: ${verdict(r.p99Ms < 50 && r.accepted === r.sent)}` : '',
      ]);
    }
    if (latency) {
      rows.push([
        `webhook → Slack ticket (${latency.alerts} alerts)`,
        `p50 ${latency.p50Ms} ms, p99 ${latency.p99Ms} ms`,
        `p50 ≤ 1.5 × critical path: ${verdict(latency.ratioP50 <= 1.5)}`,
      ]);
      rows.push([
        'critical path of the fakes',
        `${latency.criticalPathMs} ms (VirusTotal ${args.latencies.virustotalMs} ms ∥ SIEM ${latency.slowestSiemQueryMs} ms, + Slack ${args.latencies.slackMs} ms)`,
        '',
      ]);
      rows.push(['orchestration overhead (p50)', `${latency.overheadP50Ms} ms (${latency.ratioP50} × critical path)`, `< 100 ms: ${verdict(latency.overheadP50Ms < 100)}`]);
    }
    if (storm) {
      rows.push([
        `storm of ${storm.alerts} alerts`,
        `${storm.tickets} tickets (${storm.duplicateTickets} duplicates) in ${storm.seconds} s = ${storm.alertsPerS} alerts/s`,
        `≥ 50/s: ${verdict(storm.alertsPerS >= 50)}; exactly ${storm.alerts}: ${verdict(storm.tickets === storm.alerts && storm.duplicateTickets === 0)}`,
      ]);
      rows.push([
        'peak worker RSS (storm)',
        `${storm.peakWorkerRssMb} MB (${storm.workerRssBeforeMb} MB before it${latency ? ", with the embedded SIEM's tables loaded" : ", before the embedded SIEM's tables loaded"})`,
        `< 400 MB: ${verdict(storm.peakWorkerRssMb < 400)}`,
      ]);
      const cpu = storm.cpuMsPerAlert;
      rows.push([
        'CPU per alert (storm)',
        `worker ${cpu.worker} ms, API ${cpu.api} ms, Temporal server ${cpu.temporal} ms: ` +
          `${round(cpu.worker + cpu.api + cpu.temporal)} ms, so ${machine.cpus} cores triage at most ${round((machine.cpus * 1000) / (cpu.worker + cpu.api + cpu.temporal), 1)} alerts/s`,
        '',
      ]);
    }
    if (cost) {
      rows.push([
        'cost per alert (to the ticket)',
        `${cost.workflowTasksPerAlert} workflow tasks + ${cost.activityTasksPerAlert} activity tasks, ${cost.historyEventsPerAlert} history events, ${cost.workflowsPerAlert} workflows`,
        '',
      ]);
      rows.push([
        'where a task hop goes (quiet system)',
        `workflow code ${cost.timing.firstWorkflowTaskMs} ms (a new workflow's first task) / ${cost.timing.laterWorkflowTaskMs} ms (later tasks); ` +
          `waiting for the worker ${cost.timing.workflowTaskWaitMs} ms (workflow task) / ${cost.timing.activityTaskWaitMs} ms (activity task)`,
        '',
      ]);
    }
    process.stdout.write(`\nautotriage benchmark — ${machine.date.slice(0, 10)}, ${machine.cpus} × ${machine.cpuModel}, ${machine.memoryGiB} GiB, Node ${machine.node}\n`);
    process.stdout.write(`fakes: VirusTotal ${args.latencies.virustotalMs} ms, Slack ${args.latencies.slackMs} ms, Jira ${args.latencies.jiraMs} ms; SIEM: the embedded DuckDB over the sample logs\n`);
    const settings = Object.entries(args.env).map(([k, v]) => `${k}=${v}`);
    process.stdout.write(`settings: ${settings.length ? settings.join(' ') : 'the defaults'}\n\n`);
    process.stdout.write(`${table(rows)}\n`);
    // Without --out, the numbers still land in a file: .data/bench/<start time>.json.
    const out = args.out ?? path.join(projectRoot(), '.data', 'bench', `${machine.date.replace(/[:.]/g, '-')}.json`);
    fs.mkdirSync(path.dirname(path.resolve(out)), { recursive: true });
    fs.writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
    say(`wrote ${out}`);
  } finally {
    await stack.stop();
  }
}

if (require.main === module) {
  main().then(
    () => process.exit(0),
    (err: unknown) => {
      console.error(`bench: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
      process.exit(1);
    },
  );
}
