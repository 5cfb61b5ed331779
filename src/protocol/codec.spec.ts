import { CodecError, decodePayload, detectEncoding, encodePayload } from './codec';

const hex = (s: string): Buffer => Buffer.from(s.replace(/\s+/g, ''), 'hex');
const utf8 = (s: string): Buffer => Buffer.from(s, 'utf8');

/** Runs fn and returns the CodecError it throws; fails the test on anything else. */
function codecErrorOf(fn: () => unknown): CodecError {
  let thrown: unknown;
  try {
    fn();
  } catch (err) {
    thrown = err;
  }
  expect(thrown).toBeInstanceOf(CodecError);
  return thrown as CodecError;
}

/** Deterministic PRNG (mulberry32) so a failing random case can be reproduced. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('detectEncoding (the 0x7B rule)', () => {
  it.each([
    ['{', utf8('{"a":1}'), 'json'],
    ['whitespace then {', utf8(' \t\r\n{"a":1}'), 'json'],
    ['a bare {', hex('7b'), 'json'],
    ['a CBOR map', hex('a0'), 'cbor'],
    ['an indefinite CBOR map', hex('bf ff'), 'cbor'],
    ['a JSON array (only { means JSON)', utf8('[1]'), 'cbor'],
    ['a JSON string', utf8('"x"'), 'cbor'],
    ['a UTF-8 BOM before {', utf8('\ufeff{}'), 'cbor'],
    ['a form feed before { (not JSON whitespace)', utf8('\f{}'), 'cbor'],
    ['whitespace only', utf8('  \n'), 'cbor'],
    ['an empty payload', Buffer.alloc(0), 'cbor'],
  ])('%s -> %s', (_what, payload, encoding) => {
    expect(detectEncoding(payload)).toBe(encoding);
  });

  // RFC 8949 §3.1: 0x7B is major type 3 (text string), additional info 27 (8-byte
  // length), so it can never start a CBOR map: the rule loses no valid message.
  it('treats a CBOR text string with an 8-byte length as JSON, and rejects it', () => {
    const payload = hex('7b 0000000000000001 61');
    expect(detectEncoding(payload)).toBe('json');
    expect(codecErrorOf(() => decodePayload(payload)).code).toBe('malformed_json');
  });

  it('looks at a subarray, not at the buffer behind it', () => {
    const backing = Buffer.concat([utf8('{"x":1}'), hex('a1 6161 01')]);
    const view = new Uint8Array(backing.buffer, backing.byteOffset + 7, 4);
    expect(detectEncoding(view)).toBe('cbor');
    expect(decodePayload(view)).toEqual({ encoding: 'cbor', value: { a: 1 } });
  });
});

describe('round trips', () => {
  const values: [string, object][] = [
    ['an empty map', {}],
    ['status', { state: 'online' }],
    ['nested maps and arrays', { a: { b: [1, 2, { c: 'd' }] }, e: null, f: true, g: false }],
    ['numbers', { int: 65535, big: 2 ** 40, neg: -17, half: 0.5, cpu: 0.123456789 }],
    ['unicode text', { msg: 'Grüße, 東京 🚀' }],
    ['an empty key and empty string', { '': '' }],
  ];

  it.each(values)('CBOR: %s', (_what, value) => {
    const payload = encodePayload(value, 'cbor');
    expect(payload[0] >> 5).toBe(5); // RFC 8949 §3.1: major type 5, a map
    expect(decodePayload(payload)).toEqual({ encoding: 'cbor', value });
  });

  it.each(values)('JSON: %s', (_what, value) => {
    const payload = encodePayload(value, 'json');
    expect(payload.toString('utf8')).toBe(JSON.stringify(value));
    expect(decodePayload(payload)).toEqual({ encoding: 'json', value });
  });

  it('writes plain RFC 8949 maps with text keys (no cbor-x records)', () => {
    expect(encodePayload({ state: 'online' }, 'cbor').toString('hex')).toBe(
      'a1' + '657374617465' + '666f6e6c696e65',
    );
  });

  it.each([
    ['an indefinite-length map', 'bf 6161 01 ff', { a: 1 }],
    ['a half-precision float', 'a1 6163 f93c00', { c: 1 }],
    ['an integer key (made a string)', 'a1 01 02', { '1': 2 }],
    ['the self-described CBOR tag 55799', 'd9d9f7 a1 6161 01', { a: 1 }],
    ['a one-byte-length text key', 'a1 7801 61 01', { a: 1 }],
  ])('reads %s as written by other encoders', (_what, payload, value) => {
    expect(decodePayload(hex(payload)).value).toEqual(value);
  });

  it('never lets a __proto__ key change the prototype', () => {
    for (const payload of [
      hex('a1 69 5f5f70726f746f5f5f a1 6178 01'),
      utf8('{"__proto__":{"x":1}}'),
    ]) {
      const { value } = decodePayload(payload);
      expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
      expect((value as { x?: unknown }).x).toBeUndefined();
    }
  });
});

describe('rejects', () => {
  it.each([
    ['an empty payload', Buffer.alloc(0), 'empty_payload'],
    ['invalid JSON', utf8('{"state":'), 'malformed_json'],
    ['JSON with a trailing comma', utf8('{"a":1,}'), 'malformed_json'],
    ['JSON with trailing garbage', utf8('{"a":1} x'), 'malformed_json'],
    ['whitespace only', utf8('   '), 'malformed_cbor'],
    ['a reserved CBOR initial byte', hex('1c'), 'malformed_cbor'],
    ['a map missing its value', hex('a1 6161'), 'malformed_cbor'],
    ['CBOR with trailing bytes', hex('a0 00'), 'malformed_cbor'],
    ['two CBOR maps back to back', hex('a0 a0'), 'malformed_cbor'],
    ['a stray break byte', hex('ff'), 'malformed_cbor'],
    ['an unterminated indefinite map', hex('bf 6161 01'), 'malformed_cbor'],
    ['a text string longer than the payload', hex('a1 6161 7a00100000 61'), 'malformed_cbor'],
    ['a JSON array (read as CBOR)', utf8('[1,2]'), 'malformed_cbor'],
    ['a UTF-8 BOM before JSON', utf8('\ufeff{"a":1}'), 'malformed_cbor'],
  ])('%s as %s', (_what, payload, code) => {
    const err = codecErrorOf(() => decodePayload(payload));
    expect(err.code).toBe(code);
    expect(err.message).not.toBe('');
  });

  it('says in the message which encoding was malformed', () => {
    expect(codecErrorOf(() => decodePayload(utf8('{'))).message).toMatch(/^malformed json: /);
    expect(codecErrorOf(() => decodePayload(hex('a1'))).message).toMatch(/^malformed cbor: /);
  });

  it.each([
    ['CBOR unsigned int', '05'],
    ['CBOR negative int', '20'],
    ['CBOR text string', '6161'],
    ['CBOR array', '83 010203'],
    ['CBOR false', 'f4'],
    ['CBOR true', 'f5'],
    ['CBOR null', 'f6'],
    ['CBOR undefined', 'f7'],
    ['CBOR float', 'fb 3ff0000000000000'],
    ['CBOR bignum (tag 2)', 'c2 49 010000000000000000'],
  ])('a top-level %s as not_a_map', (_what, payload) => {
    expect(codecErrorOf(() => decodePayload(hex(payload))).code).toBe('not_a_map');
  });

  // Only { selects JSON, so other JSON values are read as CBOR bytes.
  it.each([
    ['null', 'null', 'malformed_cbor'],
    ['a string', '"{}"', 'malformed_cbor'],
    ['a one-digit number (0x31 is CBOR -18)', '1', 'not_a_map'],
  ])('top-level JSON %s (%s) as %s', (_what, json, code) => {
    expect(codecErrorOf(() => decodePayload(utf8(json))).code).toBe(code);
  });

  it('every strict prefix of a CBOR message as malformed_cbor', () => {
    const full = encodePayload({ state: 'online', nested: { list: [1, 'two', 3.5] } }, 'cbor');
    for (let n = 1; n < full.length; n++) {
      expect([n, codecErrorOf(() => decodePayload(full.subarray(0, n))).code]).toEqual([
        n,
        'malformed_cbor',
      ]);
    }
  });

  it('every strict prefix of a JSON message as malformed_json', () => {
    const full = encodePayload({ state: 'online', nested: { list: [1, 'two', 3.5] } }, 'json');
    for (let n = 1; n < full.length; n++) {
      expect([n, codecErrorOf(() => decodePayload(full.subarray(0, n))).code]).toEqual([
        n,
        'malformed_json',
      ]);
    }
  });
});

describe('deep nesting', () => {
  const nestedCbor = (depth: number) =>
    Buffer.concat([hex('a1 6161'), Buffer.alloc(depth, 0x81), hex('a0')]);

  it('reads moderate nesting', () => {
    expect(decodePayload(nestedCbor(100)).encoding).toBe('cbor');
    const json = utf8('{"a":' + '['.repeat(100) + ']'.repeat(100) + '}');
    expect(decodePayload(json).encoding).toBe('json');
  });

  it('turns a stack overflow in the CBOR decoder into malformed_cbor', () => {
    expect(codecErrorOf(() => decodePayload(nestedCbor(200_000))).code).toBe('malformed_cbor');
  });

  it('decodes correctly again after a failed deep decode (no stale decoder state)', () => {
    codecErrorOf(() => decodePayload(nestedCbor(200_000)));
    codecErrorOf(() => decodePayload(hex('a2 6161 81')));
    expect(decodePayload(hex('a1 6162 02')).value).toEqual({ b: 2 });
  });

  it('never throws anything but CodecError for deep JSON', () => {
    const json = utf8('{"a":'.repeat(20_000) + '1' + '}'.repeat(20_000));
    try {
      expect(decodePayload(json).encoding).toBe('json');
    } catch (err) {
      expect(err).toBeInstanceOf(CodecError);
    }
  });
});

describe('random bytes', () => {
  const random = prng(0x7b7b);
  const cases: Buffer[] = [];
  for (let i = 0; i < 400; i++) {
    const bytes = Buffer.alloc(1 + Math.floor(random() * 48));
    for (let j = 0; j < bytes.length; j++) bytes[j] = Math.floor(random() * 256);
    // Every fourth case starts like a map or a JSON object so decoding gets further.
    if (i % 4 === 1) bytes[0] = 0xa0 | (bytes[0] & 0x07);
    if (i % 4 === 2) bytes[0] = 0x7b;
    cases.push(bytes);
  }

  it('never throw anything but CodecError, and whatever decodes is an object', () => {
    let rejected = 0;
    for (const bytes of cases) {
      try {
        const { value } = decodePayload(bytes);
        expect([bytes.toString('hex'), typeof value]).toEqual([bytes.toString('hex'), 'object']);
        expect(Array.isArray(value)).toBe(false);
      } catch (err) {
        if (!(err instanceof CodecError))
          throw new Error(`${bytes.toString('hex')}: ${String(err)}`);
        rejected++;
      }
    }
    // Random bytes are almost never a valid message; a codec that accepted them all is broken.
    expect(rejected).toBeGreaterThan(cases.length * 0.8);
    expect(decodePayload(hex('a1 6161 01')).value).toEqual({ a: 1 });
  });
});

// Defects found by these specs and since fixed in codec.ts; kept as regression tests.
describe('regressions: non-map items and 8-byte integers', () => {
  // decodePayload only rejects arrays and Maps, so other objects cbor-x builds for a
  // top-level non-map item pass as "a map" (and decodeUplink then says invalid_message).
  it.each([
    ['byte string (major type 2)', '43 010203'],
    ['typed array (tag 64)', 'd840 43 010203'],
    ['date/time (tag 1)', 'c1 1a514b67b0'],
    ['date/time string (tag 0)', 'c0 74 323031332d30332d32315432303a30343a30305a'],
    ['set (tag 258)', 'd90102 83 010203'],
    ['unknown tag 35 around a text string', 'd823 6161'],
  ])('rejects a top-level %s as not_a_map', (_what, payload) => {
    expect(codecErrorOf(() => decodePayload(hex(payload))).code).toBe('not_a_map');
  });

  // RFC 8949 §3.1: additional info 27 is a valid (and, for values >= 2^32, the only)
  // encoding of an integer. cbor-x returns a bigint for it unless int64AsNumber is set, so
  // a device encoder (nanocbor, tinycbor) sending a Unix-ms `ts` or a large instruction
  // count produces a value the number schemas refuse.
  it.each([
    ['a Unix-ms timestamp', 'a1 627473 1b 0000018bcfe56800', 1_700_000_000_000],
    ['a small value in 8 bytes', 'a1 627473 1b 0000000000000005', 5],
    ['a negative value in 8 bytes', 'a1 627473 3b 0000000000000005', -6],
  ])('reads %s encoded with an 8-byte argument as a number', (_what, payload, ts) => {
    expect(decodePayload(hex(payload)).value).toEqual({ ts });
  });
});

// Found by the fuzzer (test/fuzz, target messages): cbor-x's value-sharing tags built a
// reply whose result contains itself, accepted, then impossible to encode again.
describe('regressions: values that contain themselves', () => {
  it.each([
    ['an array in itself', 'a1 61 61 d81c 81 d81d 00'],
    ['a map in itself', 'a1 61 61 d81c a1 61 62 d81d 00'],
  ])('refuses %s as malformed_cbor', (_what, bytes) => {
    expect(codecErrorOf(() => decodePayload(hex(bytes))).code).toBe('malformed_cbor');
  });

  it('still reads a value shared twice without a cycle', () => {
    const shared = decodePayload(hex('a2 61 61 d81c 81 01 61 62 d81d 00')).value;
    expect(shared).toEqual({ a: [1], b: [1] });
  });
});
