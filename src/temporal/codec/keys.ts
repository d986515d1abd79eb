/**
 * Encryption keys for the payload codec, from an environment value such as
 * `k2026a:<base64 of 32 bytes>,k2025b:<base64 of 32 bytes>`. The first id is the current key unless
 * another is named. Error messages name the entry (and the id when it is a valid id) but never print key
 * material: a mistyped value must not end up in a log.
 */
export const KEY_BYTES = 32;
export const KEY_ID_PATTERN = /^[A-Za-z0-9._-]{1,64}$/;
/** Standard or URL-safe base64, padded or not. */
const BASE64 = /^[A-Za-z0-9+/_-]+={0,2}$/;

export class KeySpecError extends Error {
  override readonly name = 'KeySpecError';
}

export function parseKeys(spec: string): Map<string, Buffer> {
  const keys = new Map<string, Buffer>();
  const entries = spec.split(',').map((e) => e.trim());
  entries.forEach((entry, index) => {
    const where = `encryption key entry #${index + 1}`;
    if (entry === '') {
      // A trailing comma is harmless; an empty entry in the middle is a typo worth reporting.
      if (index === entries.length - 1 && index > 0) return;
      throw new KeySpecError(`${where} is empty: expected "<id>:<base64 of ${KEY_BYTES} bytes>" entries separated by commas`);
    }
    const colon = entry.indexOf(':');
    if (colon < 0) throw new KeySpecError(`${where} has no "<id>:" prefix: expected "<id>:<base64 of ${KEY_BYTES} bytes>"`);
    const id = entry.slice(0, colon).trim();
    const material = entry.slice(colon + 1).trim();
    // The id is printed only once it is known to be an id (an invalid one might be a pasted key).
    if (!KEY_ID_PATTERN.test(id)) throw new KeySpecError(`${where}: the key id must match ${KEY_ID_PATTERN.source}`);
    if (keys.has(id)) throw new KeySpecError(`encryption key id "${id}" is listed twice`);
    if (!BASE64.test(material)) throw new KeySpecError(`encryption key "${id}" is not base64`);
    const key = Buffer.from(material, 'base64');
    if (key.length !== KEY_BYTES) {
      throw new KeySpecError(`encryption key "${id}" decodes to ${key.length} bytes; AES-256 needs exactly ${KEY_BYTES}`);
    }
    keys.set(id, key);
  });
  if (keys.size === 0) throw new KeySpecError('no encryption keys given');
  return keys;
}
