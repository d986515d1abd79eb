/**
 * The data converter every Temporal client and worker of a deployment shares: with CODEC_KEYS set,
 * payloads (workflow inputs and results, activity arguments, memos, summaries) are AES-256-GCM encrypted
 * before they reach the server, and so are failure messages and stack traces (encoded-failures.ts), so
 * alert contents are unreadable in Temporal's database.
 */
import type { DataConverter } from '@temporalio/common';
import type { Config } from '../config/config';
import { createCodec, type AesGcmCodec } from './codec/aes-gcm-codec';

export const ENCODED_FAILURES_CONVERTER = require.resolve('./encoded-failures');

export function payloadCodec(config: Pick<Config, 'codec'>): AesGcmCodec | undefined {
  return config.codec ? createCodec(config.codec.keys, config.codec.currentKeyId) : undefined;
}

export function dataConverter(config: Pick<Config, 'codec'>): DataConverter | undefined {
  const codec = payloadCodec(config);
  return codec ? { payloadCodecs: [codec], failureConverterPath: ENCODED_FAILURES_CONVERTER } : undefined;
}
