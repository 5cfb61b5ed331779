/*
 * md5sum (Embench-like set): MD5 (RFC 1321) of a pseudo-random buffer, ROUNDS times,
 * each round hashing the buffer with the previous digest in front. Checked against the
 * RFC 1321 A.5 test suite and against feeding the same bytes in uneven pieces.
 */
#include <stdint.h>
#include <string.h>
#include "report.h"

#define BUFFER_BYTES 4096
#define ROUNDS 12

struct md5 {
  uint32_t state[4];
  uint32_t bytes;   /* total length; the programs here stay far below 512 MiB */
  uint8_t block[64];
};

static const uint32_t K[64] = {
    0xd76aa478, 0xe8c7b756, 0x242070db, 0xc1bdceee, 0xf57c0faf, 0x4787c62a, 0xa8304613,
    0xfd469501, 0x698098d8, 0x8b44f7af, 0xffff5bb1, 0x895cd7be, 0x6b901122, 0xfd987193,
    0xa679438e, 0x49b40821, 0xf61e2562, 0xc040b340, 0x265e5a51, 0xe9b6c7aa, 0xd62f105d,
    0x02441453, 0xd8a1e681, 0xe7d3fbc8, 0x21e1cde6, 0xc33707d6, 0xf4d50d87, 0x455a14ed,
    0xa9e3e905, 0xfcefa3f8, 0x676f02d9, 0x8d2a4c8a, 0xfffa3942, 0x8771f681, 0x6d9d6122,
    0xfde5380c, 0xa4beea44, 0x4bdecfa9, 0xf6bb4b60, 0xbebfbc70, 0x289b7ec6, 0xeaa127fa,
    0xd4ef3085, 0x04881d05, 0xd9d4d039, 0xe6db99e5, 0x1fa27cf8, 0xc4ac5665, 0xf4292244,
    0x432aff97, 0xab9423a7, 0xfc93a039, 0x655b59c3, 0x8f0ccc92, 0xffeff47d, 0x85845dd1,
    0x6fa87e4f, 0xfe2ce6e0, 0xa3014314, 0x4e0811a1, 0xf7537e82, 0xbd3af235, 0x2ad7d2bb,
    0xeb86d391};

static const uint8_t S[16] = {7, 12, 17, 22, 5, 9, 14, 20, 4, 11, 16, 23, 6, 10, 15, 21};

static uint32_t rotl(uint32_t x, uint32_t n) { return x << n | x >> (32 - n); }

static void md5_block(uint32_t state[4], const uint8_t *p) {
  uint32_t m[16];
  for (int i = 0; i < 16; i++, p += 4) {
    m[i] = (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
  }
  uint32_t a = state[0], b = state[1], c = state[2], d = state[3];
  for (int i = 0; i < 64; i++) {
    uint32_t f, g;
    switch (i >> 4) {
    case 0: f = (b & c) | (~b & d); g = i; break;
    case 1: f = (d & b) | (~d & c); g = 5 * i + 1; break;
    case 2: f = b ^ c ^ d; g = 3 * i + 5; break;
    default: f = c ^ (b | ~d); g = 7 * i; break;
    }
    uint32_t t = d;
    d = c;
    c = b;
    b = b + rotl(a + f + K[i] + m[g & 15], S[(i >> 4) * 4 + (i & 3)]);
    a = t;
  }
  state[0] += a;
  state[1] += b;
  state[2] += c;
  state[3] += d;
}

static void md5_init(struct md5 *h) {
  h->state[0] = 0x67452301;
  h->state[1] = 0xefcdab89;
  h->state[2] = 0x98badcfe;
  h->state[3] = 0x10325476;
  h->bytes = 0;
}

static void md5_update(struct md5 *h, const uint8_t *p, uint32_t n) {
  while (n) {
    uint32_t used = h->bytes & 63, take = 64 - used < n ? 64 - used : n;
    memcpy(h->block + used, p, take);
    h->bytes += take;
    p += take;
    n -= take;
    if ((h->bytes & 63) == 0) md5_block(h->state, h->block);
  }
}

static void md5_final(struct md5 *h, uint8_t digest[16]) {
  uint32_t bits_lo = h->bytes << 3, bits_hi = h->bytes >> 29;
  uint8_t pad = 0x80, zero = 0, length[8];
  md5_update(h, &pad, 1);
  while ((h->bytes & 63) != 56) md5_update(h, &zero, 1);
  for (int i = 0; i < 4; i++) {
    length[i] = (uint8_t)(bits_lo >> (8 * i));
    length[4 + i] = (uint8_t)(bits_hi >> (8 * i));
  }
  md5_update(h, length, 8);
  for (int i = 0; i < 16; i++) digest[i] = (uint8_t)(h->state[i / 4] >> (8 * (i % 4)));
}

static void md5_hex(const uint8_t digest[16], char out[33]) {
  static const char digits[] = "0123456789abcdef";
  for (int i = 0; i < 16; i++) {
    out[2 * i] = digits[digest[i] >> 4];
    out[2 * i + 1] = digits[digest[i] & 15];
  }
  out[32] = '\0';
}

/* RFC 1321, A.5 "Test suite". */
static const char *const vectors[][2] = {
    {"", "d41d8cd98f00b204e9800998ecf8427e"},
    {"a", "0cc175b9c0f1b6a831c399e269772661"},
    {"abc", "900150983cd24fb0d6963f7d28e17f72"},
    {"message digest", "f96b697d7cb7938d525a2f31aaf161d0"},
    {"abcdefghijklmnopqrstuvwxyz", "c3fcd3d76192e4007dfb496cca67e13b"},
    {"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
     "d174ab98d277d9f5a5611c2c9f419d9f"},
    {"1234567890123456789012345678901234567890123456789012345678901234567890123456789"
     "0",
     "57edf4a22be3c955ac49da2e2107b67a"},
};

static uint8_t buffer[BUFFER_BYTES];

static void digest_of(const uint8_t *p, uint32_t n, uint32_t piece, uint8_t out[16]) {
  struct md5 h;
  md5_init(&h);
  for (uint32_t at = 0; at < n; at += piece) md5_update(&h, p + at, n - at < piece ? n - at : piece);
  md5_final(&h, out);
}

int main(void) {
  uint8_t digest[16], again[16];
  char hex[33];
  int32_t vectors_ok = 0;
  for (uint32_t i = 0; i < sizeof vectors / sizeof vectors[0]; i++) {
    const char *text = vectors[i][0];
    digest_of((const uint8_t *)text, strlen(text), 64, digest);
    md5_hex(digest, hex);
    if (strcmp(hex, vectors[i][1]) == 0) vectors_ok++;
  }
  print_field_int("RFC 1321 vectors ok", vectors_ok);

  uint32_t seed = 1;
  for (uint32_t i = 0; i < BUFFER_BYTES; i++) {
    seed = seed * 1103515245u + 12345u;
    buffer[i] = (uint8_t)(seed >> 16);
  }
  memset(digest, 0, sizeof digest);
  for (int32_t r = 0; r < ROUNDS; r++) {
    memcpy(buffer, digest, 16);
    digest_of(buffer, BUFFER_BYTES, BUFFER_BYTES, digest);
  }
  md5_hex(digest, hex);
  print_str("md5: ");
  print_str(hex);
  print_newline();

  memcpy(buffer, digest, 16);
  digest_of(buffer, BUFFER_BYTES, BUFFER_BYTES, digest);
  digest_of(buffer, BUFFER_BYTES, 37, again);
  expect(vectors_ok == (int32_t)(sizeof vectors / sizeof vectors[0]), "RFC 1321 test suite");
  expect(memcmp(digest, again, 16) == 0, "digest depends on update sizes");
  return report_check();
}
