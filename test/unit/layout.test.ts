/**
 * The dependency direction of the design: api → temporal (client) → workflows; worker → workflows +
 * activities; workflows → domain code only; nothing imports from src/api or src/worker. Read from the
 * sources' import statements, so a new import that breaks it fails here.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { projectRoot } from '../../src/config/paths';

const SRC = path.join(projectRoot(), 'src');

interface Import {
  file: string;
  target: string;
  typeOnly: boolean;
}

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    return e.isDirectory() ? sourceFiles(full) : e.name.endsWith('.ts') ? [full] : [];
  });
}

/** Every `import … from '…'`, `export … from '…'`, `import '…'`, `require('…')` and `import('…')` of the sources, relative targets resolved to src paths. */
function imports(): Import[] {
  return sourceFiles(SRC).flatMap((file) => {
    const text = fs.readFileSync(file, 'utf8');
    const statements = [...text.matchAll(/^(?:import|export)\s+(type\s+)?[^;]*?\bfrom\s+'([^']+)'/gms)].map((m) => ({ typeOnly: m[1], spec: m[2]! }));
    const bare = [...text.matchAll(/^import\s+'([^']+)'|\b(?:require|import)\('([^']+)'\)/gm)].map((m) => ({ typeOnly: undefined, spec: (m[1] ?? m[2])! }));
    return [...statements, ...bare].map((m) => {
      const spec = m.spec;
      const target = spec.startsWith('.') ? path.relative(SRC, path.resolve(path.dirname(file), spec)) : spec;
      return { file: path.relative(SRC, file), target, typeOnly: Boolean(m.typeOnly) };
    });
  });
}

const within = (p: string, folder: string) => p === folder || p.startsWith(`${folder}/`);

describe('layout: the dependency direction', () => {
  const all = imports();

  it('finds the imports it checks', () => {
    assert.ok(all.length > 300, `${all.length} imports`);
    assert.ok(all.some((i) => i.file === 'api/main.ts' && i.target === 'temporal/alert-starter'), 'a known import is seen');
  });

  it('nothing outside src/api or src/worker imports from them', () => {
    const wrong = all.filter((i) => ['api', 'worker'].some((f) => within(i.target, f) && !within(i.file, f)));
    assert.deepEqual(wrong.map((i) => `${i.file} → ${i.target}`), []);
  });

  it('workflows import only domain code, the workflow SDK and (as types) the activities they call', () => {
    const DOMAIN = ['domain', 'routing', 'autoclose', 'tickets', 'workflows', 'temporal/search-attributes'];
    const wrong = all.filter(
      (i) =>
        within(i.file, 'workflows') &&
        !i.target.startsWith('@temporalio/') &&
        !DOMAIN.some((f) => within(i.target, f)) &&
        !(i.typeOnly && within(i.target, 'activities')),
    );
    assert.deepEqual(wrong.map((i) => `${i.file} → ${i.target}`), []);
  });

  it('domain code does no I/O: no connectors, activities, api, worker or Temporal client', () => {
    const PURE = ['domain', 'routing', 'autoclose', 'tickets', 'intake', 'reporting'];
    const IO = ['connectors', 'activities', 'api', 'worker', 'siem', '@temporalio/client', '@temporalio/worker', 'node:fs', 'node:http', 'node:net'];
    const wrong = all.filter((i) => PURE.some((f) => within(i.file, f)) && IO.some((t) => within(i.target, t) || i.target === t));
    assert.deepEqual(wrong.map((i) => `${i.file} → ${i.target}`), []);
  });
});
