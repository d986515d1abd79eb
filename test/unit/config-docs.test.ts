/** Every configuration variable is documented where operators look: the README table and .env.example. */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { EnvSchema } from '../../src/config/config';
import { projectRoot } from '../../src/config/paths';

const read = (file: string) => fs.readFileSync(path.join(projectRoot(), file), 'utf8');

describe('configuration documentation', () => {
  const names = Object.keys(EnvSchema.shape);

  it('lists every variable in the README configuration table', () => {
    const readme = read('README.md');
    const table = readme.slice(readme.indexOf('## Configuration'), readme.indexOf('\n## ', readme.indexOf('## Configuration') + 5));
    const missing = names.filter((n) => !table.includes(`\`${n}\``));
    assert.deepEqual(missing, [], `README "Configuration" table lacks: ${missing.join(', ')}`);
  });

  it('lists every variable in .env.example', () => {
    const example = read('.env.example');
    const missing = names.filter((n) => !new RegExp(`^#? ?${n}=`, 'm').test(example));
    assert.deepEqual(missing, [], `.env.example lacks: ${missing.join(', ')}`);
  });
});
