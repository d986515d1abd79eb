/** AES-256-GCM payload codec and its key spec (src/temporal/codec). */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import {
  AesGcmCodec,
  CIPHER_NAME,
  ENCRYPTED_ENCODING,
  KeySpecError,
  createCodec,
  parseKeys,
} from '../../src/temporal/codec/aes-gcm-codec';

const USER = 'alice.martin@acme.io';
const IP = '198.51.100.7';
const K1 = randomBytes(32);
const K2 = randomBytes(32);

function samplePayloads(): Payload[] {
  return [
    defaultPayloadConverter.toPayload({ user: USER, sourceIp: IP, detectionId: 'Okta.BruteForceLogins', failures: 6 }),
    defaultPayloadConverter.toPayload(`login from ${IP}`),
    defaultPayloadConverter.toPayload(null),
    defaultPayloadConverter.toPayload(new Uint8Array([1, 2, 3, 250])),
    defaultPayloadConverter.toPayload(undefined),
  ];
}

const text = (bytes: Uint8Array | null | undefined): string => Buffer.from(bytes ?? new Uint8Array()).toString('utf8');
const metaText = (p: Payload, key: string): string | undefined => {
  const v = p.metadata?.[key];
  return v === undefined || v === null ? undefined : text(v);
};

/** The bytes Temporal would store: the whole payload message. */
const stored = (p: Payload): Buffer => Buffer.from(temporal.api.common.v1.Payload.encode(p).finish());

/** Comparable form: metadata and data as plain Buffers. */
function normalize(p: Payload): { metadata: Record<string, string>; data: string } {
  return {
    metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v).toString('hex')])),
    data: Buffer.from(p.data ?? new Uint8Array()).toString('hex'),
  };
}

async function expectRejects(promise: Promise<unknown>, pattern: RegExp, label = 'expected a rejection'): Promise<Error> {
  let caught: unknown;
  try {
    await promise;
  } catch (err) {
    caught = err;
  }
  assert.ok(caught instanceof Error, label);
  assert.match(caught.message, pattern, label);
  return caught;
}

function codecWith(current: string, keys: Array<[string, Buffer]>): AesGcmCodec {
  return new AesGcmCodec(new Map(keys), current);
}

describe('AesGcmCodec', () => {
  it('round-trips real payloads and hides their content', async () => {
    const codec = codecWith('k1', [['k1', K1]]);
    const original = samplePayloads();
    const encoded = await codec.encode(original);
    assert.equal(encoded.length, original.length);
    for (const p of encoded) {
      assert.equal(metaText(p, 'encoding'), ENCRYPTED_ENCODING);
      assert.equal(metaText(p, 'encryption-key-id'), 'k1');
      assert.equal(metaText(p, 'encryption-cipher'), CIPHER_NAME);
      assert.deepEqual(Object.keys(p.metadata ?? {}).sort(), ['encoding', 'encryption-cipher', 'encryption-key-id']);
      const bytes = stored(p);
      for (const sentinel of [USER, IP, 'json/plain', 'Okta.BruteForceLogins']) {
        assert.equal(bytes.includes(sentinel), false, `stored payload contains ${sentinel}`);
      }
    }
    const decoded = await codec.decode(encoded);
    assert.deepEqual(decoded.map(normalize), original.map(normalize));
    assert.deepEqual(defaultPayloadConverter.fromPayload(decoded[0] as Payload), {
      user: USER,
      sourceIp: IP,
      detectionId: 'Okta.BruteForceLogins',
      failures: 6,
    });
    assert.equal(defaultPayloadConverter.fromPayload(decoded[1] as Payload), `login from ${IP}`);
    assert.equal(defaultPayloadConverter.fromPayload(decoded[2] as Payload), null);
    assert.deepEqual(Buffer.from(defaultPayloadConverter.fromPayload<Uint8Array>(decoded[3] as Payload)), Buffer.from([1, 2, 3, 250]));
    assert.equal(defaultPayloadConverter.fromPayload(decoded[4] as Payload), undefined);
  });

  it('lays data out as IV (12) ‖ ciphertext ‖ tag (16) with a fresh IV every time', async () => {
    const codec = codecWith('k1', [['k1', K1]]);
    const payload = defaultPayloadConverter.toPayload({ user: USER });
    const plainLength = temporal.api.common.v1.Payload.encode(payload).finish().length;
    const runs = await Promise.all(Array.from({ length: 20 }, () => codec.encode([payload])));
    const datas = runs.map((r) => Buffer.from(r[0]?.data ?? new Uint8Array()));
    for (const d of datas) assert.equal(d.length, 12 + plainLength + 16);
    assert.equal(new Set(datas.map((d) => d.subarray(0, 12).toString('hex'))).size, datas.length, 'IVs repeat');
    assert.equal(new Set(datas.map((d) => d.toString('hex'))).size, datas.length, 'ciphertexts repeat');
  });

  it('supports key rotation: old keys decode, the current key encodes', async () => {
    const before = codecWith('k1', [['k1', K1]]);
    const oldPayloads = await before.encode(samplePayloads());

    const after = codecWith('k2', [
      ['k1', K1],
      ['k2', K2],
    ]);
    assert.deepEqual((await after.decode(oldPayloads)).map(normalize), samplePayloads().map(normalize));
    const newPayloads = await after.encode(samplePayloads());
    for (const p of newPayloads) assert.equal(metaText(p, 'encryption-key-id'), 'k2');
    // A mixed batch (a history spanning the rotation) decodes too.
    const mixed = await after.decode([oldPayloads[0] as Payload, newPayloads[1] as Payload]);
    assert.deepEqual(mixed.map(normalize), [samplePayloads()[0], samplePayloads()[1]].map((p) => normalize(p as Payload)));
    // The old codec cannot read the new key's payloads, and says which key it misses.
    await expectRejects(before.decode(newPayloads), /encryption key id "k2" is not among the configured keys/);
  });

  it('names an unknown key id', async () => {
    const encoded = await codecWith('k2026a', [['k2026a', K1]]).encode(samplePayloads());
    const err = await expectRejects(codecWith('other', [['other', K2]]).decode(encoded), /"k2026a"/);
    assert.equal(err.message.includes(K1.toString('base64')), false);
    assert.equal(err.message.includes(K2.toString('base64')), false);
  });

  it('refuses tampered ciphertext, tag, IV and a truncated payload', async () => {
    const codec = codecWith('k1', [['k1', K1]]);
    const [good] = await codec.encode([defaultPayloadConverter.toPayload({ user: USER, sourceIp: IP })]);
    assert.ok(good?.data);
    const variant = (mutate: (d: Buffer) => Buffer): Payload => ({ ...good, data: mutate(Buffer.from(good.data ?? new Uint8Array())) });
    const flip = (index: (d: Buffer) => number) => (d: Buffer) => {
      const copy = Buffer.from(d);
      const i = index(copy);
      copy[i] = (copy[i] ?? 0) ^ 0x01;
      return copy;
    };
    for (const [what, mutate] of [
      ['ciphertext', flip(() => 20)],
      ['tag', flip((d) => d.length - 1)],
      ['IV', flip(() => 0)],
    ] as const) {
      await expectRejects(codec.decode([variant(mutate)]), /"k1".*tampered with/, `flipped ${what}`);
    }
    await expectRejects(codec.decode([variant((d) => d.subarray(0, 20))]), /"k1".*truncated or was tampered with/);
    // Same id, another key: authentication fails too.
    await expectRejects(codecWith('k1', [['k1', K2]]).decode([good]), /"k1".*tampered with or the key for that id is wrong/);
  });

  it('passes payloads that are not binary/encrypted through decode unchanged', async () => {
    const codec = codecWith('k1', [['k1', K1]]);
    const plain = samplePayloads();
    const noMeta: Payload = { data: Buffer.from('raw') };
    const decoded = await codec.decode([...plain, noMeta]);
    assert.equal(decoded.length, plain.length + 1);
    plain.forEach((p, i) => assert.equal(decoded[i], p));
    assert.equal(decoded[plain.length], noMeta);
  });

  it('names a value by a keyed pseudonym: stable, distinct per value and per key, never containing the value', () => {
    const codec = codecWith('k1', [['k1', K1]]);
    const name = codec.pseudonym(IP);
    assert.match(name, /^[0-9a-f]{32}$/);
    assert.equal(codecWith('k1', [['k1', K1]]).pseudonym(IP), name);
    assert.notEqual(codec.pseudonym('198.51.100.8'), name);
    assert.notEqual(codecWith('k2', [['k2', K2]]).pseudonym(IP), name);
    assert.ok(!name.includes(IP));
  });

  it('rejects a current key id that is not configured, and keys of the wrong size', () => {
    assert.throws(() => codecWith('k9', [['k1', K1]]), /current encryption key id "k9"/);
    assert.throws(() => codecWith('k1', [['k1', randomBytes(16)]]), /exactly 32/);
  });
});

describe('parseKeys', () => {
  const b64 = (b: Buffer) => b.toString('base64');

  it('parses ids and 32-byte keys (standard or URL-safe base64, spaces and a trailing comma tolerated)', () => {
    const keys = parseKeys(` k2026a:${b64(K1)} , k2025.b_-1:${K2.toString('base64url')},`);
    assert.deepEqual([...keys.keys()], ['k2026a', 'k2025.b_-1']);
    assert.deepEqual(keys.get('k2026a'), K1);
    assert.deepEqual(keys.get('k2025.b_-1'), K2);
  });

  const material = randomBytes(16);
  const secretLooking = `${b64(K1)}`;
  const cases: Array<[string, string, RegExp, string[]]> = [
    ['a 16-byte key', `k1:${b64(K1)},short:${b64(material)}`, /"short" decodes to 16 bytes.*exactly 32/, [b64(material), b64(K1)]],
    ['a bad id', `k1:${b64(K1)},bad id!:${b64(K2)}`, /entry #2: the key id must match/, [b64(K2), b64(K1), 'bad id!']],
    ['a key pasted as the id', `${secretLooking}:k1`, /entry #1: the key id must match/, [secretLooking]],
    ['a duplicate id', `k1:${b64(K1)},k1:${b64(K2)}`, /"k1" is listed twice/, [b64(K1), b64(K2)]],
    ['an entry without an id', `${b64(K1)}`, /entry #1 has no "<id>:" prefix/, [b64(K1)]],
    ['not base64', `k1:${b64(K1).slice(0, 20)}!!${b64(K1).slice(22)}`, /"k1" is not base64/, [b64(K1).slice(0, 20)]],
    ['an id over 64 characters', `${'a'.repeat(65)}:${b64(K1)}`, /entry #1: the key id must match/, [b64(K1), 'a'.repeat(65)]],
    ['an empty entry in the middle', `k1:${b64(K1)},,k2:${b64(K2)}`, /entry #2 is empty/, [b64(K1), b64(K2)]],
    ['nothing', ' ', /entry #1 is empty/, []],
  ];
  for (const [name, spec, pattern, secrets] of cases) {
    it(`rejects ${name} without printing key material`, () => {
      let caught: unknown;
      try {
        parseKeys(spec);
      } catch (err) {
        caught = err;
      }
      assert.ok(caught instanceof KeySpecError, 'expected a KeySpecError');
      assert.match(caught.message, pattern);
      for (const s of secrets) assert.equal(caught.message.includes(s), false, `message leaks ${s}`);
      assert.equal(caught.message.includes(spec.trim()) && spec.trim() !== '', false);
    });
  }
});

describe('createCodec', () => {
  const spec = `k2026a:${K1.toString('base64')},k2025b:${K2.toString('base64')}`;

  it('is undefined without keys', () => {
    assert.equal(createCodec(undefined, undefined), undefined);
    assert.equal(createCodec('', 'k1'), undefined);
    assert.equal(createCodec('   ', undefined), undefined);
  });

  it('uses the first key by default and the named one otherwise', async () => {
    const first = createCodec(spec, undefined);
    assert.ok(first);
    assert.equal(first.currentKeyId, 'k2026a');
    const named = createCodec(spec, 'k2025b');
    assert.ok(named);
    assert.equal(named.currentKeyId, 'k2025b');
    const [p] = await named.encode([defaultPayloadConverter.toPayload('x')]);
    assert.equal(metaText(p as Payload, 'encryption-key-id'), 'k2025b');
    assert.deepEqual(first.keyIds, ['k2026a', 'k2025b']);
    // Both read each other's payloads: same keys.
    assert.equal(defaultPayloadConverter.fromPayload((await first.decode([p as Payload]))[0] as Payload), 'x');
  });

  it('rejects an unknown current key id, naming it and the configured ids', () => {
    assert.throws(() => createCodec(spec, 'k2024z'), (err: unknown) => {
      assert.ok(err instanceof KeySpecError);
      assert.match(err.message, /"k2024z" is not among the configured keys \(k2026a, k2025b\)/);
      assert.equal(err.message.includes(K1.toString('base64')), false);
      return true;
    });
  });
});
