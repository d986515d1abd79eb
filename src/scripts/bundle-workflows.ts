/**
 * Prebuilds the workflow bundles so workers start without bundling: dist/workflow-bundle.js (the SDK's
 * failure converter) and dist/workflow-bundle.encoded-failures.js (failure messages encoded for the
 * payload codec; see src/temporal/workflow-source.ts). The plain bundle is written last: scripts/ensure-built.js
 * takes its time as the build's.
 */
import fs from 'node:fs/promises';
import { DefaultLogger, bundleWorkflowCode } from '@temporalio/worker';
import { ENCODED_FAILURES_CONVERTER } from '../temporal/data-converter';
import { PREBUILT_BUNDLE, PREBUILT_ENCODED_FAILURES_BUNDLE, WORKFLOWS_PATH } from '../temporal/workflow-source';

async function bundle(file: string, failureConverterPath?: string): Promise<void> {
  const started = Date.now();
  const { code } = await bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, failureConverterPath, logger: new DefaultLogger('WARN') });
  await fs.writeFile(file, code);
  console.log(`workflow bundle: ${file} (${(code.length / 1024).toFixed(0)} KiB, ${((Date.now() - started) / 1000).toFixed(1)} s)`);
}

async function main(): Promise<void> {
  await bundle(PREBUILT_ENCODED_FAILURES_BUNDLE, ENCODED_FAILURES_CONVERTER);
  await bundle(PREBUILT_BUNDLE);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
