import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { createHash, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Decoder } from 'cbor-x';
import { signManifest, verifyManifest, type Manifest } from '../src/protocol/manifest';
import { requireEnv, requireTool, toolsRequired } from './support/system-tools';

/**
 * The RIOT agent's C CBOR reader/writer and manifest verifier (firmware/riot/agent), built
 * for the host under ASan/UBSan (firmware/riot/tests/host-agent) and driven through its
 * CLI tools. Manifests are signed here with node:crypto over a Sig_structure built byte
 * for byte from RFC 9052 §4.4, independent of our TypeScript encoder; then with
 * signManifest, which must produce the same standard bytes.
 */
const ROOT = join(__dirname, '..');
const HOST = join(ROOT, 'firmware', 'riot', 'tests', 'host-agent');
const tool = (name: string) => join(HOST, 'build', name);

/** RIOTBASE from the environment, else from the offline kit's env.sh; must have pkg/monocypher. */
function findRiotBase(): string | undefined {
  const kitEnv = join(ROOT, '.riot', 'env.sh');
  let base = process.env.RIOTBASE;
  if (!base && existsSync(kitEnv)) {
    base = /^export RIOTBASE='([^']+)'/m.exec(readFileSync(kitEnv, 'utf8'))?.[1];
  }
  if (base && existsSync(join(base, 'pkg', 'monocypher', 'Makefile'))) return base;
  if (base) {
    const what = `RIOTBASE=${base} has no pkg/monocypher — point it at a RIOT tree`;
    if (toolsRequired()) throw new Error(`${what} (required because VMFLEET_REQUIRE_TOOLS=1)`);
    process.stderr.write(`\nSKIP: ${what}\n`);
    return undefined;
  }
  // Throws under VMFLEET_REQUIRE_TOOLS=1, else one SKIP line.
  return requireEnv(
    'RIOTBASE',
    'install the RIOT kit (.riot/env.sh) or export RIOTBASE=<RIOT tree>',
  );
}

const riotBase = requireTool('gcc', 'gcc') ? findRiotBase() : undefined;

// ---- CBOR by hand (RFC 8949 §3), deliberately not our encoder ------------------------
const cat = (...parts: Buffer[]) => Buffer.concat(parts);
function head(major: number, n: number | bigint): Buffer {
  const v = BigInt(n);
  const m = major << 5;
  if (v < 24n) return Buffer.from([m | Number(v)]);
  if (v < 0x100n) return Buffer.from([m | 24, Number(v)]);
  const b = Buffer.alloc(v < 0x10000n ? 3 : v < 0x100000000n ? 5 : 9);
  if (b.length === 3) b.writeUInt16BE(Number(v), 1);
  else if (b.length === 5) b.writeUInt32BE(Number(v), 1);
  else b.writeBigUInt64BE(v, 1);
  b[0] = m | (b.length === 3 ? 25 : b.length === 5 ? 26 : 27);
  return b;
}
const uint = (n: number | bigint) => head(0, n);
const nint = (n: number) => head(1, -1 - n);
const bstr = (b: Uint8Array) => cat(head(2, b.length), Buffer.from(b));
function tstr(s: string): Buffer {
  const b = Buffer.from(s, 'utf8');
  return cat(head(3, b.length), b);
}
const array = (...items: Buffer[]) => cat(head(4, items.length), ...items);
const map = (...pairs: [Buffer, Buffer][]) => cat(head(5, pairs.length), ...pairs.flat());
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

// ---- COSE_Sign1 by hand (RFC 9052 §4.2, §4.4) ---------------------------------------
const EDDSA_PROTECTED = map([uint(1), nint(-8)]); // h'a10127'
/** ["Signature1", protected, external_aad = h'' (0x40), payload] */
const sigStructure = (protectedHdr: Buffer, payload: Buffer, aad: Buffer = Buffer.from([0x40])) =>
  cat(Buffer.from([0x84]), tstr('Signature1'), bstr(protectedHdr), aad, bstr(payload));

interface CoseParts {
  protectedHdr?: Buffer;
  payload: Buffer;
  key: KeyObject;
  signature?: Buffer;
  tagged?: boolean;
  aad?: Buffer;
}
function coseSign1(p: CoseParts): Buffer {
  const protectedHdr = p.protectedHdr ?? EDDSA_PROTECTED;
  const signature = p.signature ?? sign(null, sigStructure(protectedHdr, p.payload, p.aad), p.key);
  const body = array(
    bstr(protectedHdr),
    map([uint(4), bstr(Buffer.from('gw-1'))]),
    bstr(p.payload),
    bstr(signature),
  );
  return p.tagged === false ? body : cat(Buffer.from([0xd2]), body); // tag 18
}

const MANIFEST: Manifest = {
  name: 'blinky',
  version: '1.3.0',
  vm: 'mips1',
  size: 4096,
  sha256: createHash('sha256').update('the payload').digest(),
  sequence: 7,
  needs: { ramBytes: 8192, flashBytes: 4096, stackBytes: 1024 },
  createdAt: 1763740800000,
};
function manifestPayload(
  m: Manifest,
  extra: [Buffer, Buffer][] = [],
  createdAt = uint(m.createdAt),
): Buffer {
  return map(
    [tstr('name'), tstr(m.name)],
    [tstr('version'), tstr(m.version)],
    [tstr('vm'), tstr(m.vm)],
    [tstr('size'), uint(m.size)],
    [tstr('sha256'), bstr(m.sha256)],
    [tstr('sequence'), uint(m.sequence)],
    [
      tstr('needs'),
      map(
        [tstr('ramBytes'), uint(m.needs.ramBytes)],
        [tstr('flashBytes'), uint(m.needs.flashBytes)],
        [tstr('stackBytes'), uint(m.needs.stackBytes)],
      ),
    ],
    [tstr('createdAt'), createdAt],
    ...extra,
  );
}
const asJson = (m: Manifest) => ({
  ...m,
  sha256: hex(m.sha256),
  kid: `h'${hex(Buffer.from('gw-1'))}'`,
});

// ---- driving the tools ----------------------------------------------------------------
function expectNoCrash(r: SpawnSyncReturns<Buffer>, what: string): void {
  // A signal (SIGSEGV, or ASan/UBSan's abort) is the failure this whole file is about.
  if (r.error || r.signal !== null || (r.status !== 0 && r.status !== 1)) {
    throw new Error(`${what}: status ${r.status} signal ${r.signal}\n${String(r.stderr)}`);
  }
}
/** Records for the batch tools: a 4-byte big-endian length, then the bytes. */
const records = (inputs: Buffer[]) =>
  cat(...inputs.flatMap((b) => [Buffer.from(Uint32Array.of(b.length).buffer).reverse(), b]));
function runBatch(name: string, args: string[], inputs: Buffer[]): string[] {
  const r = spawnSync(tool(name), args, { input: records(inputs), maxBuffer: 1 << 28 });
  expectNoCrash(r, name);
  expect(r.status).toBe(0);
  const lines = r.stdout.toString('utf8').split('\n').slice(0, -1);
  expect(lines).toHaveLength(inputs.length);
  return lines;
}
/** A deterministic PRNG (mulberry32), so a failing input can be found again. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
function mutations(valid: Buffer, count: number, seed: number): Buffer[] {
  const rand = prng(seed);
  return Array.from({ length: count }, () => {
    const b = Buffer.from(valid);
    for (let k = 1 + Math.floor(rand() * 3); k > 0; k--)
      b[Math.floor(rand() * b.length)] = rand() * 256;
    return b;
  });
}

(riotBase ? describe : describe.skip)('RIOT agent CBOR and manifest verifier (host build)', () => {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const keyHex = hex(Buffer.from(publicKey.export({ format: 'jwk' }).x!, 'base64url'));
  let dir: string;

  beforeAll(() => {
    const make = spawnSync('make', ['-C', HOST, '-j2', '--no-print-directory'], {
      env: { ...process.env, RIOTBASE: riotBase },
      encoding: 'utf8',
    });
    if (make.status !== 0)
      throw new Error(`host-agent build failed:\n${make.stdout}${make.stderr}`);
  }, 180_000);
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'riot-agent-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  function verifyC(cose: Uint8Array, key = keyHex): Record<string, unknown> {
    const file = join(dir, 'manifest.cose');
    writeFileSync(file, cose);
    const r = spawnSync(tool('manifest-verify'), [file, key]);
    expectNoCrash(r, 'manifest-verify');
    const out = JSON.parse(r.stdout.toString('utf8')) as Record<string, unknown>;
    expect(r.status).toBe(out.error === undefined ? 0 : 1);
    return out;
  }

  describe('accepts a standard COSE_Sign1 signed with node:crypto', () => {
    it.each([true, false])('tag 18: %s, every field decoded, unknown fields ignored', (tagged) => {
      const payload = manifestPayload(MANIFEST, [[tstr('comment'), array(uint(1), tstr('x'))]]);
      expect(verifyC(coseSign1({ payload, key: privateKey, tagged }))).toEqual(asJson(MANIFEST));
    });

    it('builds the same Sig_structure bytes as RFC 9052 §4.4 (the TS verifier agrees)', () => {
      const cose = coseSign1({ payload: manifestPayload(MANIFEST), key: privateKey });
      expect(hex(sigStructure(EDDSA_PROTECTED, Buffer.alloc(0)))).toBe(
        '846a5369676e61747572653143a1012740' + '40',
      );
      expect(verifyManifest(cose, publicKey)).toEqual({ ...MANIFEST, sha256: expect.anything() });
    });

    it('accepts what signManifest produces (the gateway writes RFC 9052 bytes)', () => {
      expect(verifyC(signManifest(MANIFEST, privateKey, 'gw-1'))).toEqual(asJson(MANIFEST));
    });
  });

  describe('refuses', () => {
    const payload = manifestPayload(MANIFEST);
    const good = () => coseSign1({ payload, key: privateKey });
    const other = generateKeyPairSync('ed25519');
    const tamperedPayload = Buffer.from(payload);
    tamperedPayload[tamperedPayload.length - 1] ^= 1; // createdAt's last byte

    it.each<[string, () => Buffer, string, RegExp, string?]>([
      [
        'a tampered payload',
        () =>
          coseSign1({
            payload: tamperedPayload,
            key: privateKey,
            signature: sign(null, sigStructure(EDDSA_PROTECTED, payload), privateKey),
          }),
        'bad_signature',
        /does not verify/,
      ],
      [
        'a tampered signature',
        () => {
          const c = good();
          c[c.length - 1] ^= 0x80;
          return c;
        },
        'bad_signature',
        /does not verify/,
      ],
      [
        'a wrong key',
        () => coseSign1({ payload, key: other.privateKey }),
        'bad_signature',
        /does not verify/,
      ],
      [
        'alg ES256 (-7), validly signed',
        () => coseSign1({ protectedHdr: map([uint(1), nint(-7)]), payload, key: privateKey }),
        'bad_signature',
        /alg -7 is not EdDSA/,
      ],
      [
        'a text alg',
        () => coseSign1({ protectedHdr: map([uint(1), tstr('EdDSA')]), payload, key: privateKey }),
        'bad_signature',
        /not EdDSA/,
      ],
      [
        'the old tagged external_aad d8 40 40',
        () => coseSign1({ payload, key: privateKey, aad: Buffer.from('d84040', 'hex') }),
        'bad_signature',
        /does not verify/,
      ],
      [
        'no alg',
        () => coseSign1({ protectedHdr: map(), payload, key: privateKey }),
        'malformed_manifest',
        /no alg/,
      ],
      [
        'a critical header',
        () =>
          coseSign1({
            protectedHdr: map([uint(1), nint(-8)], [uint(2), array(uint(99))]),
            payload,
            key: privateKey,
          }),
        'malformed_manifest',
        /critical/,
      ],
      [
        'a 63-byte signature',
        () => coseSign1({ payload, key: privateKey, signature: Buffer.alloc(63) }),
        'malformed_manifest',
        /63 bytes/,
      ],
      [
        'another tag than 18',
        () => cat(Buffer.from([0xd1]), good().subarray(1)),
        'malformed_manifest',
        /tag 17/,
      ],
      [
        'three elements',
        () => array(bstr(EDDSA_PROTECTED), map(), bstr(payload)),
        'malformed_manifest',
        /not a COSE_Sign1/,
      ],
      [
        'trailing bytes',
        () => cat(good(), Buffer.from([0x00])),
        'malformed_manifest',
        /trailing_bytes/,
      ],
      [
        'the old payload: sha256 as tag 64 (typed array), signed',
        () =>
          coseSign1({
            payload: map(
              [tstr('name'), tstr('blinky')],
              [tstr('sha256'), cat(Buffer.from('d840', 'hex'), bstr(MANIFEST.sha256))],
            ),
            key: privateKey,
          }),
        'malformed_manifest',
        /not a CBOR map \(unsupported\)/,
      ],
      [
        'the old payload: createdAt as float64, signed',
        () =>
          coseSign1({
            payload: manifestPayload(MANIFEST, [], Buffer.from('fb4279aa724d400000', 'hex')),
            key: privateKey,
          }),
        'malformed_manifest',
        /createdAt must be an unsigned integer/,
      ],
      [
        'a missing field, signed',
        () => coseSign1({ payload: map([tstr('name'), tstr('x')]), key: privateKey }),
        'malformed_manifest',
        /version is missing/,
      ],
      [
        'a 65-byte name, signed',
        () =>
          coseSign1({
            payload: manifestPayload({ ...MANIFEST, name: 'n'.repeat(65) }),
            key: privateKey,
          }),
        'malformed_manifest',
        /name must be 1..64/,
      ],
      [
        'a 31-byte sha256, signed',
        () =>
          coseSign1({
            payload: manifestPayload({ ...MANIFEST, sha256: Buffer.alloc(31) }),
            key: privateKey,
          }),
        'malformed_manifest',
        /sha256 must be a 32-byte bstr/,
      ],
    ])('%s', (_what, make, code, message) => {
      const out = verifyC(make());
      expect(out).toMatchObject({ error: code });
      expect(out.message).toMatch(message);
    });

    it('a key that is not the provisioned one, given as hex', () => {
      const otherHex = hex(Buffer.from(other.publicKey.export({ format: 'jwk' }).x!, 'base64url'));
      expect(verifyC(good(), otherHex)).toMatchObject({ error: 'bad_signature' });
    });
  });

  describe('hostile input never crashes the reader', () => {
    const telemetry = () => {
      const r = spawnSync(tool('cbor-roundtrip'));
      expectNoCrash(r, 'cbor-roundtrip');
      return Buffer.from(r.stdout.toString().split('\n')[0], 'hex');
    };
    const failed = (line: string) => / error:/.test(line);

    it('a valid message truncated at every byte, and the COSE_Sign1 too', () => {
      const msg = telemetry();
      const lines = runBatch(
        'cbor-dump',
        [],
        [...Array(msg.length).keys()].map((n) => msg.subarray(0, n)),
      );
      lines.forEach((l) => expect(l).toMatch(/^check=truncated .* error:truncated$/));
      const cose = coseSign1({ payload: manifestPayload(MANIFEST), key: privateKey });
      const prefixes = [...Array(cose.length).keys()].map((n) => cose.subarray(0, n));
      runBatch('manifest-verify', ['-', keyHex], prefixes).forEach((l) =>
        expect(JSON.parse(l)).toMatchObject({ error: 'malformed_manifest' }),
      );
    });

    it.each<[string, Buffer, RegExp]>([
      [
        '10000 nested arrays',
        cat(Buffer.alloc(10000, 0x81), Buffer.from([0])),
        /^check=too_deep .*error:too_deep$/,
      ],
      [
        '10000 nested indefinite arrays',
        Buffer.alloc(10000, 0x9f),
        /^check=too_deep .*error:too_deep$/,
      ],
      [
        '10000 nested maps',
        cat(Buffer.from('a160'.repeat(10000), 'hex'), Buffer.from([0])),
        /^check=too_deep .*error:too_deep$/,
      ],
      [
        'a bstr of 2^64-1 bytes',
        Buffer.from('5bffffffffffffffff00', 'hex'),
        /^check=truncated .*error:truncated$/,
      ],
      [
        'a tstr of 2^32-1 bytes',
        Buffer.from('7affffffff6161', 'hex'),
        /^check=truncated .*error:truncated$/,
      ],
      [
        'an array of 2^64-1 items',
        Buffer.from('9bffffffffffffffff0000', 'hex'),
        /^check=truncated .*error:truncated$/,
      ],
      [
        'a map of 2^63 pairs',
        Buffer.from('bb80000000000000006100', 'hex'),
        /^check=truncated .*error:truncated$/,
      ],
      [
        'an indefinite text string',
        Buffer.from('7f616160ff', 'hex'),
        /^check=unsupported .*error:unsupported$/,
      ],
      [
        'tag 1 (a date)',
        Buffer.from('c11a5f000000', 'hex'),
        /^check=unsupported .*error:unsupported$/,
      ],
      ['tag 55799 around a map', Buffer.from('d9d9f7a1616101', 'hex'), /^check=ok dump=\{"a":1\}$/],
      ['a stray break', Buffer.from('ff', 'hex'), /^check=malformed .* error:/],
      [
        'reserved additional info 28',
        Buffer.from('1c', 'hex'),
        /^check=malformed .*error:malformed$/,
      ],
      ['an overlong UTF-8 text', Buffer.from('62c0af', 'hex'), /^check=bad_utf8 .*error:bad_utf8$/],
      [
        'trailing bytes',
        Buffer.from('a0a0', 'hex'),
        /^check=trailing_bytes dump=\{\} error:trailing_bytes$/,
      ],
      [
        'half floats',
        Buffer.from('83f93c00f97bfff90001', 'hex'),
        /^check=ok dump=\[1\.0,65504\.0,5\.9604644775390625e-08\]$/,
      ],
    ])('%s', (_what, input, expected) => {
      expect(runBatch('cbor-dump', [], [input])[0]).toMatch(expected);
    });

    it('random bytes and random mutations, fixed seed', () => {
      const rand = prng(0x5eed);
      const random = Array.from({ length: 3000 }, () =>
        Buffer.from(
          Array.from({ length: Math.floor(rand() * 48) }, () => Math.floor(rand() * 256)),
        ),
      );
      const inputs = [...random, ...mutations(telemetry(), 3000, 1)];
      const lines = runBatch('cbor-dump', [], inputs);
      // What the validator refuses, the typed reads refuse too; what it accepts, they
      // read unless it holds a value the agent has no use for (simple values, huge ints).
      lines.forEach((l) => {
        if (!l.startsWith('check=ok ')) expect(failed(l)).toBe(true);
        else if (failed(l)) expect(l).toMatch(/error:(wrong_type|out_of_range)$/);
      });
      expect(lines.filter((l) => l.startsWith('check=ok ')).length).toBeGreaterThan(10);
    });

    it('random mutations of a signed manifest: refused, or the same signed content', () => {
      const cose = coseSign1({ payload: manifestPayload(MANIFEST), key: privateKey });
      const lines = runBatch('manifest-verify', ['-', keyHex], mutations(cose, 2000, 2));
      const results = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
      // Only the unprotected header (the kid) is not signed (RFC 9052 §4.4).
      for (const r of results.filter((x) => x.error === undefined)) {
        expect({ ...r, kid: undefined }).toEqual({ ...asJson(MANIFEST), kid: undefined });
      }
      expect(results.filter((r) => r.error !== undefined).length).toBeGreaterThan(1500);
    });
  });

  it('writer: a telemetry-like map decodes with cbor-x to the same values, integers as integers', () => {
    const r = spawnSync(tool('cbor-roundtrip'));
    expectNoCrash(r, 'cbor-roundtrip');
    expect(r.status).toBe(0);
    const [bytesHex, ownJson, overflow] = r.stdout.toString('utf8').split('\n');
    const bytes = Buffer.from(bytesHex, 'hex');
    const expected = {
      ts: 1763740800000n, // 8-byte heads come back from cbor-x as BigInt
      uptimeMs: 123456,
      ram: { used: 40960, peak: 51200, total: 262144 },
      flash: { used: 131072, total: 1048576 },
      cpu: 0.25,
      temp: 21.1,
      vm: { state: 'running', instructions: 987654 },
      app: { id: 'blinky', version: '1.0.0' },
      actuators: { led: [1, 0, 1], gpio: [] },
      delta: -500,
      min: -9223372036854775808n,
      max: 18446744073709551615n,
      big: 68719476736n,
      neg: -3,
      ok: true,
      fault: false,
      last: null,
      blob: new Uint8Array([0xde, 0xad, 0xbe, 0xef]),
    };
    const decoded = new Decoder({ mapsAsObjects: true, useRecords: false }).decode(bytes) as Record<
      string,
      unknown
    >;
    expect({ ...decoded, blob: new Uint8Array(decoded.blob as Uint8Array) }).toEqual(expected);
    // The heads themselves: integral doubles as integers in the shortest form (RFC 8949
    // §4.2.1), 0.25 as float32, 21.1 as float64.
    const field = (key: string, value: string) =>
      expect(bytesHex).toContain(hex(tstr(key)) + value);
    field('instructions', '1a000f1206');
    field('big', '1b0000001000000000');
    field('neg', '22');
    field('delta', '3901f3');
    field('used', '19a000');
    field('cpu', 'fa3e800000');
    field('temp', 'fb403519999999999a');
    // The C reader reads its own output back.
    expect(ownJson).toContain('"min":-9223372036854775808,"max":18446744073709551615');
    expect(ownJson).toContain('"instructions":987654}');
    expect(JSON.parse(ownJson)).toMatchObject({
      ...expected,
      ts: 1763740800000,
      big: 68719476736,
      min: expect.any(Number),
      max: expect.any(Number),
      blob: "h'deadbeef'",
    });
    expect(overflow).toBe(`overflow-ok ${bytes.length}`);
  });
});
