/**
 * The data converter every Temporal client and worker of a deployment shares: with CODEC_KEYS set,
 * payloads (workflow inputs and results, activity arguments, memos, summaries) are AES-256-GCM encrypted
 * before they reach the server, so alert contents are unreadable in Temporal's database.
 */
import type { DataConverter } from '@temporalio/common';
import type { Config } from '../config/config';
import { createCodec, type AesGcmCodec } from './codec/aes-gcm-codec';

export function payloadCodec(config: Pick<Config, 'codec'>): AesGcmCodec | undefined {
  return config.codec ? createCodec(config.codec.keys, config.codec.currentKeyId) : undefined;
}

export function dataConverter(config: Pick<Config, 'codec'>): DataConverter | undefined {
  const codec = payloadCodec(config);
  return codec ? { payloadCodecs: [codec] } : undefined;
}
