/**
 * Payload encryption for Temporal: every payload (workflow inputs, results, signals, memos… which carry
 * alert data: users, IPs, log lines) is stored in Temporal's history as AES-256-GCM ciphertext.
 *
 * The whole payload (its metadata and data) is serialized with the Temporal protobuf and encrypted; the
 * stored payload says only how it is encrypted:
 *   metadata: encoding = binary/encrypted, encryption-key-id = <id>, encryption-cipher = AES-256-GCM
 *   data:     IV (12 bytes) ‖ ciphertext ‖ GCM tag (16 bytes)
 * Key rotation: the current key encrypts; every configured key decrypts, so old keys stay configured until
 * no history that uses them is kept. Payloads that are not `binary/encrypted` pass through decode (history
 * written before encryption was turned on stays readable).
 */
import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';
import type { Payload, PayloadCodec } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { KEY_BYTES, KEY_ID_PATTERN, KeySpecError, parseKeys } from './keys';

export { KEY_BYTES, KEY_ID_PATTERN, KeySpecError, parseKeys } from './keys';

export const ENCRYPTED_ENCODING = 'binary/encrypted';
export const METADATA_ENCODING = 'encoding';
export const METADATA_KEY_ID = 'encryption-key-id';
export const METADATA_CIPHER = 'encryption-cipher';
export const CIPHER_NAME = 'AES-256-GCM';
const ALGORITHM = 'aes-256-gcm';
const IV_BYTES = 12;
const TAG_BYTES = 16;

const utf8 = (value: string): Uint8Array => Buffer.from(value, 'utf8');
/** A key id as it may appear in a message: only well-formed ids are quoted (a garbled value is not echoed). */
const showId = (id: string): string => (KEY_ID_PATTERN.test(id) ? `"${id}"` : '(not a valid key id)');
const text = (bytes: Uint8Array | null | undefined): string | undefined =>
  bytes == null ? undefined : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');

export class AesGcmCodec implements PayloadCodec {
  private readonly keys: ReadonlyMap<string, Buffer>;
  private readonly currentKey: Buffer;
  private readonly pseudonymKey: Buffer;

  constructor(
    keys: Map<string, Buffer>,
    readonly currentKeyId: string,
  ) {
    for (const [id, key] of keys) {
      if (key.length !== KEY_BYTES) throw new KeySpecError(`encryption key "${id}" is ${key.length} bytes; AES-256 needs exactly ${KEY_BYTES}`);
    }
    const current = keys.get(currentKeyId);
    if (!current) throw new KeySpecError(`the current encryption key id ${showId(currentKeyId)} is not among the configured keys`);
    // Copies: the caller's buffers may be zeroed or reused later.
    this.keys = new Map([...keys].map(([id, key]) => [id, Buffer.from(key)]));
    this.currentKey = Buffer.from(current);
    this.pseudonymKey = Buffer.from(hkdfSync('sha256', current, Buffer.alloc(0), 'autotriage workflow id', 32));
  }

  /**
   * A stable pseudonym for a value that must appear in clear somewhere Temporal stores it (a workflow id):
   * HMAC-SHA256 under a key derived (HKDF) from the current key, so the id reveals nothing without the
   * key. Rotating the current key changes pseudonyms; for cache workflow ids that only costs a cache miss.
   */
  pseudonym(value: string): string {
    return createHmac('sha256', this.pseudonymKey).update(value, 'utf8').digest('hex').slice(0, 32);
  }

  /** The ids this codec can decrypt (never the keys). */
  get keyIds(): string[] {
    return [...this.keys.keys()];
  }

  async encode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => {
      const plain = temporal.api.common.v1.Payload.encode(payload).finish();
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv(ALGORITHM, this.currentKey, iv, { authTagLength: TAG_BYTES });
      const ciphertext = Buffer.concat([cipher.update(plain), cipher.final()]);
      return {
        metadata: {
          [METADATA_ENCODING]: utf8(ENCRYPTED_ENCODING),
          [METADATA_KEY_ID]: utf8(this.currentKeyId),
          [METADATA_CIPHER]: utf8(CIPHER_NAME),
        },
        data: Buffer.concat([iv, ciphertext, cipher.getAuthTag()]),
      };
    });
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => {
      if (text(payload.metadata?.[METADATA_ENCODING]) !== ENCRYPTED_ENCODING) return payload;
      const keyId = text(payload.metadata?.[METADATA_KEY_ID]);
      if (keyId === undefined) throw new Error(`cannot decrypt payload: it is ${ENCRYPTED_ENCODING} but has no ${METADATA_KEY_ID}`);
      const cipherName = text(payload.metadata?.[METADATA_CIPHER]);
      if (cipherName !== undefined && cipherName !== CIPHER_NAME) {
        throw new Error(`cannot decrypt payload: cipher ${JSON.stringify(cipherName.slice(0, 40))} is not supported (only ${CIPHER_NAME})`);
      }
      const key = this.keys.get(keyId);
      if (!key) {
        throw new Error(
          `cannot decrypt payload: encryption key id ${showId(keyId)} is not among the configured keys (${this.keyIds.join(', ')})`,
        );
      }
      const data = Buffer.from(payload.data ?? new Uint8Array());
      if (data.length < IV_BYTES + TAG_BYTES) {
        throw new Error(`cannot decrypt payload encrypted with key ${showId(keyId)}: the data is truncated or was tampered with`);
      }
      const iv = data.subarray(0, IV_BYTES);
      const tag = data.subarray(data.length - TAG_BYTES);
      const ciphertext = data.subarray(IV_BYTES, data.length - TAG_BYTES);
      let plain: Buffer;
      try {
        const decipher = createDecipheriv(ALGORITHM, key, iv, { authTagLength: TAG_BYTES });
        decipher.setAuthTag(tag);
        plain = Buffer.concat([decipher.update(ciphertext), decipher.final()]);
      } catch {
        throw new Error(
          `cannot decrypt payload encrypted with key ${showId(keyId)}: authentication failed — the payload was tampered with or the key for that id is wrong`,
        );
      }
      return temporal.api.common.v1.Payload.decode(plain);
    });
  }
}

/**
 * The codec for the configuration: undefined when no keys are given (encryption off); the current key is
 * `currentKeyId` or else the first key listed. Throws KeySpecError on a bad spec or an unknown current id.
 */
export function createCodec(spec: string | undefined, currentKeyId: string | undefined): AesGcmCodec | undefined {
  if (spec === undefined || spec.trim() === '') return undefined;
  const keys = parseKeys(spec);
  const current = currentKeyId?.trim() || [...keys.keys()][0];
  if (current === undefined) throw new KeySpecError('no encryption keys given');
  if (!keys.has(current)) {
    throw new KeySpecError(`the current encryption key id ${showId(current)} is not among the configured keys (${[...keys.keys()].join(', ')})`);
  }
  return new AesGcmCodec(keys, current);
}
