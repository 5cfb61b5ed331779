import { createHash, generateKeyPairSync, verify } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { z } from 'zod';
import { encodePayload } from './codec';
import { registerSchema, registeredSchema, downNotificationSchema } from './coap';
import { signManifest, verifyManifest, type Manifest } from './manifest';
import { errorSchema, helloSchema, statusSchema, telemetrySchema } from './messages';
import { benchResultSchema, commandSchema, eventSchema, replySchema } from './monitor';
import { otaDownSchema, otaUpSchema } from './ota';

/**
 * Wire-format conformance against RFC 8949 and RFC 9052 with code that shares nothing with
 * cbor-x: a small item scanner written from RFC 8949 §3 and a Sig_structure built byte by
 * byte from RFC 9052 §4.4, verified with Node's own Ed25519.
 */

interface Item {
  path: string;
  major: number;
  info: number;
}

/** Every data item of one CBOR payload with its path; throws on anything malformed. */
function scan(bytes: Uint8Array): Item[] {
  const items: Item[] = [];
  let at = 0;
  const argument = (info: number): number => {
    if (info < 24) return info;
    const width = { 24: 1, 25: 2, 26: 4, 27: 8 }[info];
    if (width === undefined) throw new Error(`reserved or indefinite head ${info} at ${at}`);
    let value = 0;
    for (let i = 0; i < width; i++) value = value * 256 + bytes[at++];
    return value;
  };
  const item = (where: string): unknown => {
    if (at >= bytes.length) throw new Error(`truncated at ${where}`);
    const head = bytes[at++];
    const major = head >> 5;
    const info = head & 0x1f;
    items.push({ path: where, major, info });
    if (major === 7) {
      at += { 24: 1, 25: 2, 26: 4, 27: 8 }[info] ?? 0;
      return undefined;
    }
    const n = argument(info);
    if (major === 2 || major === 3) {
      const text = Buffer.from(bytes.subarray(at, at + n)).toString('utf8');
      at += n;
      return text;
    }
    if (major === 4) for (let i = 0; i < n; i++) item(`${where}[${i}]`);
    if (major === 5) {
      for (let i = 0; i < n; i++) {
        const key = item(`${where}.<key>`);
        item(`${where}.${String(key)}`);
      }
    }
    if (major === 6) item(`${where}<tag ${n}>`);
    return n;
  };
  item('$');
  if (at !== bytes.length) throw new Error(`${bytes.length - at} trailing bytes`);
  return items;
}

/** Fields whose value is a fraction by definition: the only places a float may appear. */
const FRACTION_FIELDS = new Set([
  '$.cpu',
  '$.result.loadTimeMs',
  '$.result.loadMs',
  '$.result.execMs',
]);

function offences(bytes: Uint8Array): string[] {
  return scan(bytes).flatMap(({ path: where, major, info }) => {
    if (major === 6) return [`tag at ${where}`];
    const float = major === 7 && info >= 25 && info <= 27;
    return float && !FRACTION_FIELDS.has(where) ? [`float at ${where}`] : [];
  });
}

const keys = generateKeyPairSync('ed25519');
const sha256 = createHash('sha256').update('payload').digest();
const manifest: Manifest = {
  name: 'blink',
  version: '1.2.0',
  vm: 'mips1',
  size: 232,
  sha256: new Uint8Array(sha256),
  sequence: 7,
  needs: { ramBytes: 8192, flashBytes: 232, stackBytes: 1024 },
  createdAt: 1_763_700_000_123,
};
const cose = signManifest(manifest, keys.privateKey, 'gw-key-1');
const image = new Uint8Array(
  fs.readFileSync(path.join(__dirname, '../../firmware/build/mips1/blink.m1')),
);
const bench = {
  vm: 'mips1',
  engineVersion: '1.0.0',
  board: 'native',
  program: 'sieve@1.0.0',
  loadMs: 0.25,
  execMs: 47.5,
  instructions: 12_701_720,
  ramBytes: 9112,
  codeBytes: 1200,
  flashBytes: 4096,
  end: 'exit',
  exitCode: 0,
  fault: null,
  check: 'ok',
  output: 'check: ok\n',
};

/** One realistic message per kind, keyed by the schema and discriminant it instantiates. */
const MESSAGES: Array<[string, z.ZodType, object]> = [
  ['up status', statusSchema, { state: 'online' }],
  [
    'up hello',
    helloSchema,
    {
      board: 'nrf52840',
      vm: { kind: 'wasm', version: '2.1.1' },
      firmware: 'riot-2026.10',
      limits: { ramBytes: 262144, flashBytes: 1 << 20, clockHz: 64_000_000, maxChunkBytes: 512 },
    },
  ],
  [
    'up telemetry',
    telemetrySchema,
    {
      ts: 1_763_740_800_000,
      uptimeMs: 5_000_000_000,
      ram: { used: 40960, peak: 51200, total: 262144 },
      flash: { used: 131072, total: 1 << 20 },
      cpu: 0.25,
      vm: { state: 'running', instructions: 9_007_199_254_740_000 },
      app: { id: 'blink', version: '1.0.0' },
      actuators: { led: [1, 0], gpio: [] },
    },
  ],
  ['up event publish', eventSchema, { kind: 'publish', name: 'count', value: -3 }],
  ['up event emit', eventSchema, { kind: 'emit', event: 101, value: 7 }],
  [
    'up event vm',
    eventSchema,
    {
      kind: 'vm',
      state: 'faulted',
      fault: { code: 'bad_address', pc: 0x1010, address: 0xfffffffc, message: 'store' },
    },
  ],
  ['up reply ok', replySchema, { id: 'c-1', ok: true, result: bench }],
  [
    'up reply error',
    replySchema,
    { id: 'c-2', ok: false, error: { code: 'no_app', message: 'x' } },
  ],
  ['up ota fetch', otaUpSchema, { kind: 'fetch', deployment: 7, offset: 4096, length: 1024 }],
  [
    'up ota report',
    otaUpSchema,
    { kind: 'report', deployment: 7, state: 'healthy', app: { id: 'blink', version: '1.2.0' } },
  ],
  ['down error', errorSchema, { code: 'invalid_message', message: 'cpu: too big', channel: 'x' }],
  [
    'down update offer',
    otaDownSchema,
    { op: 'offer', deployment: 7, manifest: cose, healthWindowMs: 10_000 },
  ],
  [
    'down update chunk',
    otaDownSchema,
    { op: 'chunk', deployment: 7, offset: 0, data: image.subarray(0, 64) },
  ],
  ['down update cancel', otaDownSchema, { op: 'cancel', deployment: 7 }],
  [
    'coap register',
    registerSchema,
    {
      id: 'dev-1',
      token: 't',
      lifetime: 300,
      hello: {
        board: 'native',
        vm: { kind: 'mips1', version: '1' },
        limits: { ramBytes: 65536, flashBytes: 1 << 20, clockHz: 1 },
      },
    },
  ],
  ['coap registered', registeredSchema, { session: 'q2F0i5bM1m0l3Gd2vYqkxQ', lifetime: 300 }],
  [
    'coap down notification',
    downNotificationSchema,
    { channel: 'cmd', body: { id: 'c-3', op: 'step', args: { n: 10 } } },
  ],
  ...commandMessages(),
];

function commandMessages(): Array<[string, z.ZodType, object]> {
  const args: Record<string, object> = {
    load: { vm: 'mips1', image, app: { id: 'blink', version: '1.0.0' } },
    step: { n: 10 },
    memory: { address: 0x1000, length: 64 },
    inject: { event: 1, value: 1000 },
    bench: { native: 'sieve' },
  };
  return commandSchema.options.map((option) => {
    const op = option.shape.op.value;
    const body = { id: `c-${op}`, op, ...(args[op] ? { args: args[op] } : {}) };
    return [`down cmd ${op}`, commandSchema, body];
  });
}

describe('wire-format conformance (RFC 8949, RFC 9052)', () => {
  it.each(MESSAGES)(
    '%s: a valid message, plain CBOR without tags or stray floats',
    (_, schema, body) => {
      expect(schema.safeParse(body).success).toBe(true);
      expect(offences(encodePayload(body, 'cbor'))).toEqual([]);
    },
  );

  it('covers every discriminant of every union the wire carries', () => {
    const covered = new Set(MESSAGES.map(([name]) => name));
    const kinds = (prefix: string, values: string[]) => values.map((v) => `${prefix} ${v}`);
    const expected = [
      ...kinds(
        'up event',
        eventSchema.options.map((o) => o.shape.kind.value),
      ),
      ...kinds(
        'up ota',
        otaUpSchema.options.map((o) => o.shape.kind.value),
      ),
      ...kinds(
        'down update',
        otaDownSchema.options.map((o) => o.shape.op.value),
      ),
      ...kinds(
        'down cmd',
        commandSchema.options.map((o) => o.shape.op.value),
      ),
    ];
    expect(expected.filter((name) => !covered.has(name))).toEqual([]);
  });

  it('bench results match their schema (floats only for the timings)', () => {
    expect(benchResultSchema.safeParse(bench).success).toBe(true);
  });

  it('writes integers beyond 32 bits as integers (RFC 8949 §3.1, 8-byte argument)', () => {
    const bytes = encodePayload({ ts: 1_763_740_800_000 }, 'cbor');
    expect(bytes.toString('hex')).toBe('a1627473' + '1b0000019aa724d400');
  });

  it('the scanner itself flags a tag and a float (it can fail)', () => {
    expect(offences(Buffer.from('a16161d84040', 'hex'))).toEqual(['tag at $.a']);
    expect(offences(Buffer.from('a16161fb3ff0000000000000', 'hex'))).toEqual(['float at $.a']);
  });

  describe('the signed manifest', () => {
    const [protectedHeader, payload, signature] = coseParts(cose);

    it('is tag 18 around [bstr, map, bstr, bstr] with protected {1: -8}', () => {
      expect(Buffer.from(cose.subarray(0, 2)).toString('hex')).toBe('d284');
      expect(Buffer.from(protectedHeader).toString('hex')).toBe('a10127');
      expect(signature.length).toBe(64);
    });

    it('carries a manifest map without tags and with integer createdAt', () => {
      expect(offences(payload)).toEqual([]);
      const createdAt = scan(payload).find((i) => i.path === '$.createdAt');
      expect(createdAt).toMatchObject({ major: 0, info: 27 });
    });

    it('verifies with Ed25519 over a Sig_structure built by hand from RFC 9052 §4.4', () => {
      const sigStructure = Buffer.concat([
        Buffer.from([0x84]), // array(4)
        Buffer.from([0x6a]), // text(10)
        Buffer.from('Signature1'),
        bstrHead(protectedHeader.length),
        protectedHeader,
        Buffer.from([0x40]), // external_aad: empty bstr, no tag
        bstrHead(payload.length),
        payload,
      ]);
      expect(verify(null, sigStructure, keys.publicKey, signature)).toBe(true);
    });

    it('does not verify under the old tag-64 external_aad (so the fix is observable)', () => {
      const legacy = Buffer.concat([
        Buffer.from([0x84, 0x6a]),
        Buffer.from('Signature1'),
        bstrHead(protectedHeader.length),
        protectedHeader,
        Buffer.from([0xd8, 0x40, 0x40]),
        bstrHead(payload.length),
        payload,
      ]);
      expect(verify(null, legacy, keys.publicKey, signature)).toBe(false);
    });

    it('still round-trips through our own verifier', () => {
      expect(verifyManifest(cose, keys.publicKey).createdAt).toBe(manifest.createdAt);
    });
  });
});

function bstrHead(length: number): Buffer {
  if (length < 24) return Buffer.from([0x40 | length]);
  if (length < 256) return Buffer.from([0x58, length]);
  return Buffer.from([0x59, length >> 8, length & 0xff]);
}

/** [protected, payload, signature] of a COSE_Sign1, read with the independent scanner's rules. */
function coseParts(bytes: Uint8Array): [Uint8Array, Uint8Array, Uint8Array] {
  let at = 2; // d2 84
  const bstr = (): Uint8Array => {
    const head = bytes[at++];
    if (head >> 5 !== 2) throw new Error(`expected a bstr at ${at - 1}`);
    let n = head & 0x1f;
    if (n === 24) n = bytes[at++];
    else if (n === 25) n = (bytes[at++] << 8) | bytes[at++];
    const out = bytes.subarray(at, at + n);
    at += n;
    return out;
  };
  const protectedHeader = bstr();
  const unprotectedStart = at;
  scanOne(); // the unprotected map
  function scanOne() {
    // {4: bstr kid}: a1 04 4x ...
    if (bytes[unprotectedStart] !== 0xa1 || bytes[unprotectedStart + 1] !== 0x04) {
      throw new Error('unexpected unprotected header');
    }
    at = unprotectedStart + 2;
    bstr();
  }
  const payload = bstr();
  const signature = bstr();
  return [protectedHeader, payload, signature];
}
