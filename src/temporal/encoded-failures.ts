/**
 * The failure converter used with the payload codec (`failureConverterPath` of data-converter.ts): an
 * error's message and stack trace move into the failure's `encodedAttributes` payload, which the codec
 * encrypts like any other, so a vendor's error text that echoes a user or an IP is not stored in clear.
 * The Web UI and the CLI decode them through the codec endpoint. Workflow-safe: bundled into the
 * workflow code too (dist/workflow-bundle.encoded-failures.js).
 */
import { DefaultFailureConverter } from '@temporalio/common';

export const failureConverter = new DefaultFailureConverter({ encodeCommonAttributes: true });
