#!/usr/bin/env node
// Used by npm start and the npm scripts of the CLIs (demo, report, backfill, replay, sample-data): rebuild dist/ when
// it is missing or older than the sources, so a command never runs yesterday's code — above all
// `npm run replay`, whose whole point is to check the workflow code as it is now. dist/workflow-bundle.js
// is the last file a build writes; where there are no sources (the runtime image) dist/ is what there is.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { execSync } = require('node:child_process');

const root = path.resolve(__dirname, '..');
const built = path.join(root, 'dist', 'workflow-bundle.js');
const inputs = ['src', 'tsconfig.json', 'package-lock.json'];

function newest(p) {
  let stat;
  try {
    stat = fs.statSync(p);
  } catch {
    return 0;
  }
  if (!stat.isDirectory()) return stat.mtimeMs;
  let max = 0;
  for (const name of fs.readdirSync(p)) max = Math.max(max, newest(path.join(p, name)));
  return max;
}

function builtAt() {
  try {
    return fs.statSync(built).mtimeMs;
  } catch {
    return undefined;
  }
}

const target = process.argv[2];
// The runtime image ships dist/ without its sources: what is there is what runs.
if (!fs.existsSync(path.join(root, 'src'))) process.exit(0);
const at = builtAt();
const sources = Math.max(...inputs.map((i) => newest(path.join(root, i))));
const missing = at === undefined || (target !== undefined && !fs.existsSync(path.join(root, target)));
if (missing) {
  process.stderr.write('building (dist/ is missing)…\n');
  execSync('npm run build --silent', { cwd: root, stdio: 'inherit' });
} else if (sources > at) {
  // Compiled over the old files, not after deleting dist/: a service started from it (npm start in
  // another terminal) keeps running on what it loaded.
  process.stderr.write('building (the sources changed since the last build)…\n');
  execSync('npx --no-install tsc -p . && node dist/src/scripts/bundle-workflows.js', { cwd: root, stdio: 'inherit' });
}
