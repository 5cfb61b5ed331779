// md5sum (Embench-like set): MD5 (RFC 1321) of a pseudo-random buffer, ROUNDS times, each
// round hashing the buffer with the previous digest in front. Checked against the RFC 1321
// A.5 test suite and against feeding the same bytes in uneven pieces. Same algorithm and
// output as bench/embench/md5sum.c; uint32 arithmetic with >>> 0.
const BUFFER_BYTES = 4096, ROUNDS = 12;
let failure;
const expect = (ok, what) => { if (!ok && !failure) failure = what; };

const K = Uint32Array.from([
  0xd76aa478, 0xe8c7b756, 0x242070db, 0xc1bdceee, 0xf57c0faf, 0x4787c62a, 0xa8304613,
  0xfd469501, 0x698098d8, 0x8b44f7af, 0xffff5bb1, 0x895cd7be, 0x6b901122, 0xfd987193,
  0xa679438e, 0x49b40821, 0xf61e2562, 0xc040b340, 0x265e5a51, 0xe9b6c7aa, 0xd62f105d,
  0x02441453, 0xd8a1e681, 0xe7d3fbc8, 0x21e1cde6, 0xc33707d6, 0xf4d50d87, 0x455a14ed,
  0xa9e3e905, 0xfcefa3f8, 0x676f02d9, 0x8d2a4c8a, 0xfffa3942, 0x8771f681, 0x6d9d6122,
  0xfde5380c, 0xa4beea44, 0x4bdecfa9, 0xf6bb4b60, 0xbebfbc70, 0x289b7ec6, 0xeaa127fa,
  0xd4ef3085, 0x04881d05, 0xd9d4d039, 0xe6db99e5, 0x1fa27cf8, 0xc4ac5665, 0xf4292244,
  0x432aff97, 0xab9423a7, 0xfc93a039, 0x655b59c3, 0x8f0ccc92, 0xffeff47d, 0x85845dd1,
  0x6fa87e4f, 0xfe2ce6e0, 0xa3014314, 0x4e0811a1, 0xf7537e82, 0xbd3af235, 0x2ad7d2bb,
  0xeb86d391,
]);
const S = [7, 12, 17, 22, 5, 9, 14, 20, 4, 11, 16, 23, 6, 10, 15, 21];
const rotl = (x, n) => ((x << n) | (x >>> (32 - n))) >>> 0;

function md5Block(state, p) {
  const m = new Uint32Array(16);
  for (let i = 0; i < 16; i++) {
    m[i] = p[4 * i] | (p[4 * i + 1] << 8) | (p[4 * i + 2] << 16) | (p[4 * i + 3] << 24);
  }
  let a = state[0], b = state[1], c = state[2], d = state[3];
  for (let i = 0; i < 64; i++) {
    let f, g;
    switch (i >> 4) {
      case 0: f = (b & c) | (~b & d); g = i; break;
      case 1: f = (d & b) | (~d & c); g = 5 * i + 1; break;
      case 2: f = b ^ c ^ d; g = 3 * i + 5; break;
      default: f = c ^ (b | ~d); g = 7 * i; break;
    }
    const t = d;
    d = c;
    c = b;
    b = (b + rotl((a + (f >>> 0) + K[i] + m[g & 15]) >>> 0, S[(i >> 4) * 4 + (i & 3)])) >>> 0;
    a = t;
  }
  state[0] += a;
  state[1] += b;
  state[2] += c;
  state[3] += d;
}

const md5Init = () => ({
  state: Uint32Array.from([0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476]),
  bytes: 0,
  block: new Uint8Array(64),
});

function md5Update(h, p, n) {
  let at = 0;
  while (n) {
    const used = h.bytes & 63, take = Math.min(64 - used, n);
    h.block.set(p.subarray(at, at + take), used);
    h.bytes += take;
    at += take;
    n -= take;
    if ((h.bytes & 63) === 0) md5Block(h.state, h.block);
  }
}

function md5Final(h) {
  const bitsLo = (h.bytes << 3) >>> 0, bitsHi = h.bytes >>> 29;
  md5Update(h, Uint8Array.of(0x80), 1);
  while ((h.bytes & 63) !== 56) md5Update(h, Uint8Array.of(0), 1);
  const length = new Uint8Array(8);
  for (let i = 0; i < 4; i++) {
    length[i] = bitsLo >>> (8 * i);
    length[4 + i] = bitsHi >>> (8 * i);
  }
  md5Update(h, length, 8);
  return Uint8Array.from({ length: 16 }, (_, i) => h.state[i >> 2] >>> (8 * (i % 4)));
}

const md5Hex = (digest) => Array.from(digest, (v) => v.toString(16).padStart(2, '0')).join('');

function digestOf(p, n, piece) {
  const h = md5Init();
  for (let at = 0; at < n; at += piece) md5Update(h, p.subarray(at), Math.min(n - at, piece));
  return md5Final(h);
}

// RFC 1321, A.5 "Test suite".
const vectors = [
  ['', 'd41d8cd98f00b204e9800998ecf8427e'],
  ['a', '0cc175b9c0f1b6a831c399e269772661'],
  ['abc', '900150983cd24fb0d6963f7d28e17f72'],
  ['message digest', 'f96b697d7cb7938d525a2f31aaf161d0'],
  ['abcdefghijklmnopqrstuvwxyz', 'c3fcd3d76192e4007dfb496cca67e13b'],
  ['ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789', 'd174ab98d277d9f5a5611c2c9f419d9f'],
  ['1234567890'.repeat(8), '57edf4a22be3c955ac49da2e2107b67a'],
];
const bytesOf = (text) => Uint8Array.from(text, (ch) => ch.charCodeAt(0));

let vectorsOk = 0;
for (const [text, hex] of vectors) {
  if (md5Hex(digestOf(bytesOf(text), text.length, 64)) === hex) vectorsOk++;
}
write('RFC 1321 vectors ok: ', vectorsOk, '\n');

const buffer = new Uint8Array(BUFFER_BYTES);
let seed = 1;
for (let i = 0; i < BUFFER_BYTES; i++) {
  seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
  buffer[i] = seed >>> 16;
}
let digest = new Uint8Array(16);
for (let r = 0; r < ROUNDS; r++) {
  buffer.set(digest);
  digest = digestOf(buffer, BUFFER_BYTES, BUFFER_BYTES);
}
write('md5: ', md5Hex(digest), '\n');

buffer.set(digest);
digest = digestOf(buffer, BUFFER_BYTES, BUFFER_BYTES);
const again = digestOf(buffer, BUFFER_BYTES, 37);
expect(vectorsOk === vectors.length, 'RFC 1321 test suite');
expect(md5Hex(digest) === md5Hex(again), 'digest depends on update sizes');
write(failure ? `check: FAIL ${failure}\n` : 'check: ok\n');
return failure ? 1 : 0;
