/**
 * Where the worker gets its workflow code: a bundle prebuilt by `npm run build` (fast start, what
 * production runs) or, without one, the workflows module bundled at start. There are two prebuilt
 * bundles because a failure converter is compiled into the workflow code: one with the SDK's default,
 * one that encodes failure messages for the payload codec (encoded-failures.ts).
 */
import fs from 'node:fs';
import path from 'node:path';
import type { DataConverter } from '@temporalio/common';

/** dist/workflow-bundle.js, next to the compiled sources (dist/src/temporal → dist). */
export const PREBUILT_BUNDLE = path.resolve(__dirname, '../../workflow-bundle.js');
/** The same workflows with the failure converter of encoded-failures.ts. */
export const PREBUILT_ENCODED_FAILURES_BUNDLE = path.resolve(__dirname, '../../workflow-bundle.encoded-failures.js');
export const WORKFLOWS_PATH = require.resolve('../workflows');

export type WorkflowSource = { workflowBundle: { codePath: string } } | { workflowsPath: string };

/**
 * The bundle that matches the data converter's failure converter. Bundling at start (no prebuilt
 * bundle) needs nothing more: the SDK's bundler takes `failureConverterPath` from the worker options.
 */
export function workflowSource(converter?: Pick<DataConverter, 'failureConverterPath'>): WorkflowSource {
  const bundle = converter?.failureConverterPath ? PREBUILT_ENCODED_FAILURES_BUNDLE : PREBUILT_BUNDLE;
  return fs.existsSync(bundle) ? { workflowBundle: { codePath: bundle } } : { workflowsPath: WORKFLOWS_PATH };
}
