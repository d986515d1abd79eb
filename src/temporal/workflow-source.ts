/**
 * Where the worker gets its workflow code: the bundle prebuilt by `npm run build` (fast start, what
 * production runs) or, without one, the workflows module bundled at start.
 */
import fs from 'node:fs';
import path from 'node:path';

/** dist/workflow-bundle.js, next to the compiled sources (dist/src/temporal → dist). */
export const PREBUILT_BUNDLE = path.resolve(__dirname, '../../workflow-bundle.js');
export const WORKFLOWS_PATH = require.resolve('../workflows');

export function workflowSource(): { workflowBundle: { codePath: string } } | { workflowsPath: string } {
  return fs.existsSync(PREBUILT_BUNDLE) ? { workflowBundle: { codePath: PREBUILT_BUNDLE } } : { workflowsPath: WORKFLOWS_PATH };
}
