/**
 * The deployment files: Dockerfile, .dockerignore, docker-compose.yml and the scripts and config in
 * deploy/ that it mounts. No Docker engine is needed: the files are parsed and checked against the code
 * (the variables of src/config/config.ts, the search attributes of src/temporal/search-attributes.ts,
 * the entry points under src/), so a change on either side that breaks the deployment fails here.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { projectRoot } from '../../src/config/paths';
import { SEARCH_ATTRIBUTE_NAMES } from '../../src/temporal/search-attributes';
import { devServerArgs } from '../../src/temporal/dev-server';

const ROOT = projectRoot();
const read = (file: string): string => fs.readFileSync(path.join(ROOT, file), 'utf8');

type Env = Record<string, string>;
interface Service {
  image?: string;
  build?: unknown;
  command?: string | string[];
  entrypoint?: string | string[];
  environment?: Env | string[];
  depends_on?: string[] | Record<string, { condition?: string }>;
  ports?: (string | number | { target: number; published?: string | number; host_ip?: string })[];
  volumes?: (string | { type?: string; source?: string; target: string })[];
  healthcheck?: { test?: string | string[]; disable?: boolean };
  deploy?: { replicas?: number | string };
  container_name?: string;
}
interface ComposeFile {
  services: Record<string, Service>;
  volumes?: Record<string, unknown>;
  [extension: `x-${string}`]: unknown;
}

/** Compose interpolation with an empty environment: `${A:-x}` → x, `${A:?msg}` → a marker, `${A}` → ''. */
function interpolate(value: string): string {
  return value
    .replace(/\$\$/g, '\u0000')
    .replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?+])((?:[^{}]|\{[^{}]*\})*))?\}/g, (_m, name: string, op?: string, arg?: string) => {
      if (op === ':-' || op === '-') return interpolate(arg ?? '');
      if (op === ':?' || op === '?') return `<required ${name}>`;
      return '';
    })
    .replace(/\$([A-Za-z_][A-Za-z0-9_]*)/g, '')
    .replace(/\u0000/g, '$');
}

function environment(service: Service): Env {
  const env = service.environment ?? {};
  if (Array.isArray(env)) {
    return Object.fromEntries(env.map((item) => [item.split('=')[0]!, item.includes('=') ? item.slice(item.indexOf('=') + 1) : '']));
  }
  return Object.fromEntries(Object.entries(env).map(([k, v]) => [k, v === null || v === undefined ? '' : String(v)]));
}

function dependsOn(service: Service): Record<string, string> {
  const deps = service.depends_on ?? {};
  if (Array.isArray(deps)) return Object.fromEntries(deps.map((d) => [d, 'service_started']));
  return Object.fromEntries(Object.entries(deps).map(([name, d]) => [name, d?.condition ?? 'service_started']));
}

/** Published ports as {host, container}, short or long syntax, after interpolation. */
function publishedPorts(service: Service): { host?: number; container: number }[] {
  return (service.ports ?? []).map((p) => {
    if (typeof p === 'object') {
      return { host: p.published === undefined ? undefined : Number(interpolate(String(p.published))), container: Number(p.target) };
    }
    const parts = interpolate(String(p)).split('/')[0]!.split(':');
    const container = Number(parts.at(-1));
    return { host: parts.length >= 2 ? Number(parts.at(-2)) : undefined, container };
  });
}

function bindMounts(service: Service): { source: string; target: string }[] {
  return (service.volumes ?? []).flatMap((v) => {
    if (typeof v === 'object') return v.type === 'bind' && v.source ? [{ source: interpolate(v.source), target: v.target }] : [];
    const [source, target] = interpolate(v).split(':');
    return source && target && /^[./~]/.test(source) ? [{ source, target }] : [];
  });
}

const words = (cmd: string | string[] | undefined): string[] => (Array.isArray(cmd) ? cmd : (cmd ?? '').split(/\s+/).filter(Boolean));

/** `NAME:` keys of `const EnvSchema = z.object({ … })` in src/config/config.ts, read from the source. */
function envSchemaKeys(): string[] {
  const source = read('src/config/config.ts');
  const body = /(?:export )?const EnvSchema = z\.object\(\{([\s\S]*?)\n\}\);/.exec(source)?.[1];
  assert.ok(body, 'src/config/config.ts: could not find `const EnvSchema = z.object({ … });` (update this test if it moved)');
  return [...body.matchAll(/^\s*([A-Z][A-Z0-9_]*)\s*:/gm)].map((m) => m[1]!);
}

/** Variables a POSIX sh script references but never sets (typos like `$MAX_ATTdMPTS` abort under `set -u`). */
function undefinedShellVariables(script: string, env: Env): string[] {
  const code = script
    .split('\n')
    .filter((line) => !/^\s*#/.test(line))
    .join('\n')
    .replace(/'[^'\n]*'/g, "''"); // single-quoted text (awk programs, literals) expands nothing
  const referenced = new Set([...code.matchAll(/\$\{?([A-Za-z_][A-Za-z0-9_]*)/g)].map((m) => m[1]!));
  const defined = new Set([
    ...[...code.matchAll(/(?:^|[\s;(])([A-Za-z_][A-Za-z0-9_]*)=/gm)].map((m) => m[1]!),
    ...[...code.matchAll(/\$\{([A-Za-z_][A-Za-z0-9_]*):?=/g)].map((m) => m[1]!),
    ...[...code.matchAll(/\bfor\s+([A-Za-z_][A-Za-z0-9_]*)\s+in\b/g)].map((m) => m[1]!),
    ...Object.keys(env),
    'HOME',
    'PATH',
  ]);
  return [...referenced].filter((name) => !defined.has(name));
}

interface DockerInstruction {
  stage: number;
  op: string;
  args: string;
}
function dockerInstructions(text: string): DockerInstruction[] {
  let stage = -1;
  return text
    .replace(/\\\r?\n/g, ' ')
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'))
    .map((line) => {
      const [, op = '', args = ''] = /^(\S+)\s*(.*)$/.exec(line) ?? [];
      if (op.toUpperCase() === 'FROM') stage++;
      return { stage, op: op.toUpperCase(), args };
    });
}

const REQUIRED_SERVICES = ['postgresql', 'temporal-admin-tools', 'temporal', 'temporal-create-namespace', 'temporal-ui', 'api', 'worker'];
const APP_SERVICES = ['api', 'worker'] as const;
/** DESIGN.md, "Workflow identity": the custom search attributes, all Keyword. */
const DESIGN_SEARCH_ATTRIBUTES = ['AlertSource', 'AlertId', 'DetectionId', 'LogType', 'Severity', 'TriageStatus', 'Disposition', 'AutoCloseRule'];

describe('deployment: docker-compose.yml', () => {
  let compose: ComposeFile;
  let services: Record<string, Service>;

  before(() => {
    const text = read('docker-compose.yml');
    compose = parse(text, { merge: true }) as ComposeFile;
    assert.ok(compose && typeof compose.services === 'object', 'docker-compose.yml has no services: section');
    services = compose.services;
  });

  it('defines the Temporal stack, the UI, the API and the worker', () => {
    for (const name of REQUIRED_SERVICES) {
      assert.ok(services[name], `docker-compose.yml: service "${name}" is missing (services: ${Object.keys(services).join(', ')})`);
    }
  });

  it('pins every image to a version (no :latest, no untagged image, no deprecated auto-setup)', () => {
    for (const [name, service] of Object.entries(services)) {
      if (!service.image) {
        assert.ok(service.build, `service "${name}" has neither image nor build`);
        continue;
      }
      const image = interpolate(service.image);
      const lastSegment = image.split('/').at(-1)!;
      const tag = lastSegment.includes('@') ? 'digest' : lastSegment.split(':')[1];
      assert.ok(tag, `service "${name}": image "${service.image}" has no tag; pin a version`);
      assert.notEqual(tag, 'latest', `service "${name}": image "${service.image}" uses :latest; pin a version`);
      assert.ok(!image.includes('temporalio/auto-setup'), `service "${name}": temporalio/auto-setup is deprecated; use temporalio/server + admin-tools`);
    }
  });

  it('checks PostgreSQL health with pg_isready', () => {
    const test = words(services.postgresql!.healthcheck?.test).join(' ');
    assert.match(test, /pg_isready/, `postgresql healthcheck should run pg_isready, is: "${test}"`);
  });

  it('orders start-up: postgres healthy → schema setup done → temporal healthy → namespace created', () => {
    assert.equal(dependsOn(services['temporal-admin-tools']!).postgresql, 'service_healthy', 'temporal-admin-tools must wait for postgresql to be healthy');
    assert.equal(
      dependsOn(services.temporal!)['temporal-admin-tools'],
      'service_completed_successfully',
      'temporal must depend on temporal-admin-tools with condition service_completed_successfully (schema set up first)',
    );
    assert.equal(dependsOn(services['temporal-create-namespace']!).temporal, 'service_healthy', 'temporal-create-namespace must wait for temporal to be healthy');
    for (const name of APP_SERVICES) {
      const deps = dependsOn(services[name]!);
      assert.equal(deps.temporal, 'service_healthy', `${name} must depend on temporal with condition service_healthy, has ${JSON.stringify(deps)}`);
      assert.equal(
        deps['temporal-create-namespace'],
        'service_completed_successfully',
        `${name} must depend on temporal-create-namespace with condition service_completed_successfully (namespace and search attributes first), has ${JSON.stringify(deps)}`,
      );
    }
  });

  it('runs Temporal on PostgreSQL with the mounted dynamic config', () => {
    const env = environment(services.temporal!);
    assert.equal(env.DB, 'postgres12', `temporal: DB should be postgres12, is ${env.DB}`);
    const dynamicConfig = env.DYNAMIC_CONFIG_FILE_PATH;
    assert.ok(dynamicConfig, 'temporal: DYNAMIC_CONFIG_FILE_PATH is not set');
    const mount = bindMounts(services.temporal!).find((m) => m.target === '/etc/temporal/config/dynamicconfig');
    assert.ok(mount, 'temporal: no bind mount on /etc/temporal/config/dynamicconfig');
    const file = path.join(ROOT, mount.source, path.basename(dynamicConfig));
    assert.ok(fs.existsSync(file), `temporal: dynamic config ${path.relative(ROOT, file)} does not exist`);
    const parsed = parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
    assert.ok(parsed && typeof parsed === 'object', `${path.relative(ROOT, file)} is not a YAML mapping`);
    for (const [key, values] of Object.entries(parsed)) {
      assert.ok(Array.isArray(values) && values.every((v) => v && typeof v === 'object' && 'value' in v), `${path.relative(ROOT, file)}: "${key}" should be a list of {value, constraints}`);
    }
  });

  it('gives the compose server every dynamic setting the dev server of npm start gets, with the same value', () => {
    const mount = bindMounts(services.temporal!).find((m) => m.target === '/etc/temporal/config/dynamicconfig')!;
    const file = path.join(ROOT, mount.source, path.basename(environment(services.temporal!).DYNAMIC_CONFIG_FILE_PATH!));
    const parsed = parse(fs.readFileSync(file, 'utf8')) as Record<string, Array<{ value: unknown }>>;
    const args = devServerArgs({ cliPath: 'temporal', port: 7233 });
    const settings = args.flatMap((a, i) => (a === '--dynamic-config-value' ? [args[i + 1]!] : []));
    assert.ok(settings.length > 0, 'the dev server sets no dynamic config');
    for (const setting of settings) {
      const [name, value] = setting.split('=') as [string, string];
      assert.ok(parsed[name], `${path.relative(ROOT, file)} lacks ${name} (the dev server sets ${setting})`);
      assert.equal(String(parsed[name]![0]!.value), value, `${name}: compose has ${String(parsed[name]![0]!.value)}, the dev server ${value}`);
    }
  });

  it('publishes the ports: Temporal 7233, Web UI 8080, API 3000', () => {
    const expected: [string, number][] = [['temporal', 7233], ['temporal-ui', 8080], ['api', 3000]];
    for (const [name, port] of expected) {
      const ports = publishedPorts(services[name]!);
      assert.ok(
        ports.some((p) => p.container === port && p.host === port),
        `${name}: port ${port} should be published as ${port}:${port}, ports are ${JSON.stringify(services[name]!.ports ?? [])}`,
      );
    }
  });

  it('has healthchecks for postgresql, temporal and api', () => {
    for (const name of ['postgresql', 'temporal', 'api']) {
      const hc = services[name]!.healthcheck;
      assert.ok(hc && !hc.disable && words(hc.test).length > 0, `${name}: healthcheck missing or disabled`);
    }
    const api = words(services.api!.healthcheck?.test).join(' ');
    assert.match(api, /\/(readyz|healthz)/, `api healthcheck should probe /readyz or /healthz, is: "${api}"`);
    const worker = services.worker!.healthcheck;
    const probe = words(worker?.test).join(' ');
    assert.ok(worker && !worker.disable, 'worker: healthcheck missing or disabled');
    assert.match(probe, /127\.0\.0\.1:9464\/metrics/, `worker healthcheck should probe its /metrics on METRICS_PORT 9464, is: "${probe}"`);
  });

  it('points the Web UI at the temporal service', () => {
    assert.equal(environment(services['temporal-ui']!).TEMPORAL_ADDRESS, 'temporal:7233', 'temporal-ui: TEMPORAL_ADDRESS should be temporal:7233');
  });

  it('builds the API from the Dockerfile and exposes it beyond loopback only with a webhook secret', () => {
    const api = services.api!;
    assert.ok(api.build, 'api: should be built from the Dockerfile (build: .)');
    const env = environment(api);
    assert.equal(env.HOST, '0.0.0.0', `api: HOST should be 0.0.0.0, is ${env.HOST}`);
    assert.equal(env.PORT, '3000', `api: PORT should be 3000, is ${env.PORT}`);
    assert.match(
      env.WEBHOOK_SECRET ?? '',
      /^\$\{WEBHOOK_SECRET:\?[^}]*\}$/,
      `api: WEBHOOK_SECRET should be required with \${WEBHOOK_SECRET:?…} (without it the API listens on loopback only), is "${env.WEBHOOK_SECRET}"`,
    );
  });

  it('runs the worker from the same image with the worker command, scalable', () => {
    const worker = services.worker!;
    const api = services.api!;
    assert.equal(worker.image, api.image, `worker should use the api's image (${api.image}), uses ${worker.image}`);
    const cmd = words(worker.command);
    assert.equal(cmd[0], 'node', `worker command should start node, is ${JSON.stringify(worker.command)}`);
    assert.equal(cmd.at(-1), 'dist/src/worker/main.js', `worker command should run dist/src/worker/main.js, is ${JSON.stringify(worker.command)}`);
    assert.equal(
      environment(worker).WEBHOOK_SECRET,
      environment(api).WEBHOOK_SECRET,
      'worker: WEBHOOK_SECRET must be the api\'s (the worker signs the results links the API checks)',
    );
    assert.ok(fs.existsSync(path.join(ROOT, 'src/worker/main.ts')), 'the worker command runs dist/src/worker/main.js but src/worker/main.ts does not exist');
    assert.equal(worker.container_name, undefined, 'worker: container_name prevents scaling; remove it');
    assert.ok(
      publishedPorts(worker).every((p) => p.host === undefined),
      `worker: fixed host ports prevent scaling (two replicas cannot bind one port): ${JSON.stringify(worker.ports)}`,
    );
    if (worker.deploy?.replicas !== undefined) {
      const replicas = Number(interpolate(String(worker.deploy.replicas)));
      assert.ok(Number.isInteger(replicas) && replicas >= 1, `worker: deploy.replicas should default to a positive integer, is "${worker.deploy.replicas}"`);
    }
  });

  it('gives api and worker every variable of the EnvSchema in src/config/config.ts', () => {
    const keys = envSchemaKeys();
    assert.ok(keys.length >= 10 && ['PORT', 'TEMPORAL_ADDRESS', 'WEBHOOK_SECRET'].every((k) => keys.includes(k)), `EnvSchema keys look wrong: ${keys.join(', ')}`);
    assert.ok(compose['x-autotriage-env'], 'docker-compose.yml: the shared x-autotriage-env anchor is missing');
    for (const name of APP_SERVICES) {
      const env = environment(services[name]!);
      const missing = keys.filter((k) => !(k in env));
      assert.deepEqual(missing, [], `${name}: environment lacks ${missing.join(', ')} (add them to x-autotriage-env)`);
      // The compose Temporal by default; AUTOTRIAGE_TEMPORAL_ADDRESS points them at Temporal Cloud instead.
      assert.equal(interpolate(env.TEMPORAL_ADDRESS ?? ''), 'temporal:7233', `${name}: TEMPORAL_ADDRESS should default to temporal:7233, is ${env.TEMPORAL_ADDRESS}`);
      assert.ok(
        bindMounts(services[name]!).some((m) => m.target === interpolate(env.LOCAL_SIEM_LOGS ?? '')),
        `${name}: LOCAL_SIEM_LOGS (${env.LOCAL_SIEM_LOGS}) should be a mounted folder`,
      );
    }
  });

  it('mounts only scripts and config that exist in deploy/, scripts executable', () => {
    let scripts = 0;
    for (const [name, service] of Object.entries(services)) {
      for (const mount of bindMounts(service)) {
        if (!mount.source.startsWith('./deploy/')) continue;
        const file = path.join(ROOT, mount.source);
        assert.ok(fs.existsSync(file), `${name}: mounts ${mount.source}, which does not exist`);
        if (file.endsWith('.sh')) {
          scripts++;
          assert.ok((fs.statSync(file).mode & 0o111) !== 0, `${mount.source} is not executable (chmod +x)`);
          const text = fs.readFileSync(file, 'utf8');
          assert.match(text, /^#!\/bin\/(ba)?sh/, `${mount.source} should start with a #!/bin/sh shebang`);
          assert.match(text, /^set -[a-z]*e[a-z]*u|^set -[a-z]*u[a-z]*e/m, `${mount.source} should run with set -eu`);
          const undefinedVars = undefinedShellVariables(text, environment(service));
          assert.deepEqual(undefinedVars, [], `${mount.source} references variables it never sets (typo?): ${undefinedVars.join(', ')}`);
        }
      }
      const runs = [...words(service.entrypoint), ...words(service.command)].filter((w) => w.startsWith('/scripts/'));
      for (const script of runs) {
        assert.ok(bindMounts(service).some((m) => m.target === script), `${name}: runs ${script}, which is not mounted`);
      }
    }
    assert.ok(scripts >= 2, `expected the schema and namespace scripts mounted from deploy/, found ${scripts}`);
  });

  it('sets up both the temporal and temporal_visibility schemas with temporal-sql-tool', () => {
    const mount = bindMounts(services['temporal-admin-tools']!).find((m) => m.source.endsWith('.sh'));
    assert.ok(mount, 'temporal-admin-tools: no setup script mounted');
    const script = read(mount.source);
    assert.match(script, /temporal-sql-tool/, `${mount.source} should use temporal-sql-tool`);
    assert.match(script, /--plugin postgres12/, `${mount.source} should run temporal-sql-tool --plugin postgres12`);
    assert.match(script, /schema\/postgresql\/v12/, `${mount.source} should use the schema files of postgresql/v12`);
    for (const dir of ['temporal', 'visibility']) {
      assert.match(script, new RegExp(`/${dir}/versioned`), `${mount.source} should update-schema from …/${dir}/versioned`);
    }
    assert.match(script, /temporal_visibility/, `${mount.source} should set up the temporal_visibility database`);
    assert.match(script, /setup-schema/, `${mount.source} should run setup-schema`);
    assert.match(script, /update-schema/, `${mount.source} should run update-schema`);
  });

  it('creates the namespace and registers every search attribute of DESIGN.md as Keyword', () => {
    assert.deepEqual([...SEARCH_ATTRIBUTE_NAMES].sort(), [...DESIGN_SEARCH_ATTRIBUTES].sort(), 'src/temporal/search-attributes.ts differs from DESIGN.md');
    const service = services['temporal-create-namespace']!;
    const mount = bindMounts(service).find((m) => m.source.endsWith('.sh'));
    assert.ok(mount, 'temporal-create-namespace: no script mounted');
    const script = read(mount.source);
    assert.match(script, /temporal operator cluster health/, `${mount.source} should wait with temporal operator cluster health`);
    assert.match(script, /temporal operator namespace create/, `${mount.source} should create the namespace`);
    assert.match(script, /namespace describe/, `${mount.source} should create the namespace only if missing (namespace describe first)`);
    assert.match(script, /temporal operator search-attribute create[^\n]*--type Keyword/, `${mount.source} should register search attributes with --type Keyword`);
    const missing = DESIGN_SEARCH_ATTRIBUTES.filter((name) => !new RegExp(`\\b${name}\\b`).test(script));
    assert.deepEqual(missing, [], `${mount.source} does not register ${missing.join(', ')}`);
    assert.match(script, /search-attribute list/, `${mount.source} should check existing search attributes (idempotent)`);
    const env = environment(service);
    const apiNamespace = environment(services.api!).TEMPORAL_NAMESPACE;
    assert.equal(env.DEFAULT_NAMESPACE, apiNamespace, `temporal-create-namespace creates "${env.DEFAULT_NAMESPACE}" but the api uses "${apiNamespace}"`);
  });
});

describe('deployment: Dockerfile and .dockerignore', () => {
  let instructions: DockerInstruction[];
  let dockerfile: string;

  before(() => {
    dockerfile = read('Dockerfile');
    instructions = dockerInstructions(dockerfile);
  });

  const argDefaults = (): Record<string, string> =>
    Object.fromEntries(
      instructions
        .filter((i) => i.op === 'ARG' && i.args.includes('='))
        .map((i) => [i.args.slice(0, i.args.indexOf('=')), i.args.slice(i.args.indexOf('=') + 1).replace(/^"|"$/g, '')]),
    );

  it('is multi-stage on node:20-bookworm-slim', () => {
    const args = argDefaults();
    const froms = instructions.filter((i) => i.op === 'FROM').map((i) => i.args.split(/\s+/)[0]!.replace(/^\$\{?(\w+)\}?$/, (_m, n: string) => args[n] ?? _m));
    assert.ok(froms.length >= 2, `Dockerfile should have a build and a runtime stage, has ${froms.length} FROM`);
    for (const image of froms) assert.equal(image, 'node:20-bookworm-slim', `Dockerfile: stage FROM ${image}, expected node:20-bookworm-slim`);
  });

  it('builds with npm run build (tsc + the prebuilt workflow bundles) and ships both bundles', () => {
    const build = instructions.filter((i) => i.op === 'RUN' && /npm run build/.test(i.args));
    assert.ok(build.length > 0, 'Dockerfile: no RUN npm run build');
    const buildStage = build[0]!.stage;
    const pkg = JSON.parse(read('package.json')) as { scripts: Record<string, string>; devDependencies: Record<string, string> };
    assert.match(pkg.scripts.build ?? '', /bundle-workflows/, 'package.json: the build script no longer prebuilds the workflow bundle');
    const install = instructions.find((i) => i.stage === buildStage && i.op === 'RUN' && /npm ci/.test(i.args));
    assert.ok(install && !/--omit=dev|--production/.test(install.args), 'Dockerfile: the build stage needs devDependencies (typescript): plain npm ci');
    // tsconfig compiles everything it includes; the build stage must have those folders.
    const tsconfig = JSON.parse(read('tsconfig.json')) as { include: string[] };
    const copied = instructions.filter((i) => i.stage === buildStage && i.op === 'COPY').map((i) => i.args);
    for (const dir of new Set(tsconfig.include.map((p) => p.split('/')[0]!))) {
      assert.ok(copied.some((args) => new RegExp(`(^|\\s)(\\./)?${dir}(/|\\s|$)|(^|\\s)\\.\\s`).test(args)), `Dockerfile: the build stage compiles tsconfig's "${dir}" but does not COPY it`);
    }
    const runtime = Math.max(...instructions.map((i) => i.stage));
    assert.ok(runtime > buildStage, 'Dockerfile: the runtime stage should come after the build stage');
    assert.ok(
      instructions.some((i) => i.stage === runtime && i.op === 'RUN' && /npm ci\b.*--omit=dev/.test(i.args)),
      'Dockerfile: the runtime stage should install production dependencies only (npm ci --omit=dev)',
    );
    // Both prebuilt bundles: the worker picks the one whose failure converter matches the codec setting.
    for (const bundle of ['workflow-bundle.js', 'workflow-bundle.encoded-failures.js']) {
      const named = new RegExp(`dist(/${bundle.replace(/\./g, '\\.')}(\\s|$)|/?\\s)`);
      assert.ok(
        instructions.some((i) => i.stage === runtime && i.op === 'COPY' && /--from=/.test(i.args) && named.test(i.args)),
        `Dockerfile: the runtime stage should copy the prebuilt dist/${bundle} from the build stage`,
      );
    }
    assert.ok(
      instructions.some((i) => i.stage === runtime && i.op === 'ENV' && /NODE_ENV[= ]production/.test(i.args)),
      'Dockerfile: the runtime stage should set NODE_ENV=production',
    );
  });

  it('runs as a non-root user with the API as default command', () => {
    const runtime = Math.max(...instructions.map((i) => i.stage));
    const users = instructions.filter((i) => i.stage === runtime && i.op === 'USER');
    assert.ok(users.length > 0, 'Dockerfile: the runtime stage has no USER (it would run as root)');
    const user = users.at(-1)!.args.split(':')[0]!;
    assert.ok(!['root', '0'].includes(user), `Dockerfile: USER ${user} is root`);
    const cmd = instructions.filter((i) => i.op === 'CMD').at(-1);
    assert.ok(cmd, 'Dockerfile: no CMD');
    const argv = JSON.parse(cmd.args) as string[];
    assert.deepEqual(argv, ['node', '--enable-source-maps', 'dist/src/api/main.js'], `Dockerfile: CMD should run the API, is ${cmd.args}`);
    assert.ok(fs.existsSync(path.join(ROOT, 'src/api/main.ts')), 'the CMD runs dist/src/api/main.js but src/api/main.ts does not exist');
  });

  it('bakes in no secrets: no .env copied, none in ENV/ARG', () => {
    for (const i of instructions.filter((x) => x.op === 'COPY' || x.op === 'ADD')) {
      assert.ok(!/(^|[\s/])\.env\b/.test(i.args), `Dockerfile: ${i.op} ${i.args} copies a .env file`);
    }
    const ignore = read('.dockerignore').split(/\r?\n/).map((l) => l.trim());
    const copiesContext = instructions.some((i) => (i.op === 'COPY' || i.op === 'ADD') && !/--from=/.test(i.args) && /(^|\s)\.\/?\s/.test(i.args));
    if (copiesContext) assert.ok(ignore.includes('.env'), 'Dockerfile copies the whole context: .dockerignore must exclude .env');
    const secretName = /SECRET|TOKEN|API_KEY|PASSWORD|PWD/i;
    for (const i of instructions.filter((x) => x.op === 'ENV' || x.op === 'ARG')) {
      assert.ok(!secretName.test(i.args), `Dockerfile: ${i.op} ${i.args} looks like a secret; pass secrets at run time`);
    }
  });

  it('.dockerignore keeps local state and dependencies out of the build context', () => {
    const ignore = new Set(
      read('.dockerignore')
        .split(/\r?\n/)
        .map((l) => l.trim().replace(/^\/|\/$/g, ''))
        .filter((l) => l && !l.startsWith('#')),
    );
    for (const entry of ['node_modules', 'dist', '.data', 'data', '.tools', '.git', '.env']) {
      assert.ok(ignore.has(entry), `.dockerignore should exclude ${entry}`);
    }
  });
});
