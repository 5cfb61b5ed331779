// crc32 (Embench-like set): CRC-32 (IEEE 802.3, reflected, polynomial 0xEDB88320) of a
// pseudo-random buffer, table-driven, ROUNDS times with one byte changed per round.
// Checked against CRC-32("123456789") = 0xCBF43926 and a bit-at-a-time implementation.
// Same algorithm and output as bench/embench/crc32.c; uint32 arithmetic with >>> 0.
const BUFFER_BYTES = 4096, ROUNDS = 24, POLY = 0xedb88320;
let failure;
const expect = (ok, what) => { if (!ok && !failure) failure = what; };
const fieldHex = (label, v) => write(label, ': ', (v >>> 0).toString(16).padStart(8, '0'), '\n');

const table = new Uint32Array(256);
for (let i = 0; i < 256; i++) {
  let c = i;
  for (let k = 0; k < 8; k++) c = c & 1 ? (POLY ^ (c >>> 1)) >>> 0 : c >>> 1;
  table[i] = c;
}

function crc32Table(bytes, n) {
  let c = 0xffffffff;
  for (let i = 0; i < n; i++) c = table[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return ~c >>> 0;
}

function crc32Bitwise(bytes, n) {
  let c = 0xffffffff;
  for (let i = 0; i < n; i++) {
    c ^= bytes[i];
    for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (POLY & -(c & 1));
  }
  return ~c >>> 0;
}

// Embench's rand_beebs: the ANSI C example LCG, 15 bits per call.
let seed = 0;
function randBeebs() {
  seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
  return (seed >>> 16) & 0x7fff;
}

const buffer = new Uint8Array(BUFFER_BYTES);
for (let i = 0; i < BUFFER_BYTES; i++) buffer[i] = randBeebs();

const text = '123456789';
const check = crc32Table(Uint8Array.from(text, (ch) => ch.charCodeAt(0)), text.length);
fieldHex('crc32("123456789")', check);

let combined = 0, crc = 0;
for (let r = 0; r < ROUNDS; r++) {
  buffer[(r * 131) % BUFFER_BYTES] ^= r + 1;
  crc = crc32Table(buffer, BUFFER_BYTES);
  combined = (((combined << 1) | (combined >>> 31)) ^ crc) >>> 0;
}
fieldHex('crc32(buffer)', crc);
fieldHex('combined', combined);

expect(check === 0xcbf43926, 'check value of "123456789"');
expect(crc === crc32Bitwise(buffer, BUFFER_BYTES), 'table != bitwise');
expect(text.length === 9, 'strlen');
write(failure ? `check: FAIL ${failure}\n` : 'check: ok\n');
return failure ? 1 : 0;
