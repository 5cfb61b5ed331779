/*
 * crc64: CRC-64/XZ (ECMA-182 polynomial, reflected, as xz and the Go library use) over
 * 8 KiB of generated data, table-driven with a 256-entry uint64_t table, and bitwise.
 * Self-check: the standard check value CRC-64/XZ("123456789") = 0x995DC9BBDF1939FA,
 * table == bitwise on the data, and CRC(a || b) computed in pieces == in one go.
 */
#include <inttypes.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define POLY UINT64_C(0xC96C5795D7870F42) /* 0x42F0E1EBA9EA3693 reflected */
#define DATA_BYTES 8192

static uint64_t table[256];
static unsigned char data[DATA_BYTES];

static void make_table(void) {
  for (unsigned i = 0; i < 256; i++) {
    uint64_t c = i;
    for (int k = 0; k < 8; k++) c = (c & 1) ? (c >> 1) ^ POLY : c >> 1;
    table[i] = c;
  }
}

/* Running form: crc is the finished value of the bytes so far (0 before any). */
static uint64_t crc_update(uint64_t crc, const unsigned char *p, size_t n) {
  crc = ~crc;
  while (n--) crc = table[(crc ^ *p++) & 0xFF] ^ (crc >> 8);
  return ~crc;
}

static uint64_t crc_bitwise(const unsigned char *p, size_t n) {
  uint64_t crc = ~UINT64_C(0);
  while (n--) {
    crc ^= *p++;
    for (int k = 0; k < 8; k++) crc = (crc & 1) ? (crc >> 1) ^ POLY : crc >> 1;
  }
  return ~crc;
}

int main(void) {
  make_table();
  uint32_t x = 2463534242u;
  for (size_t i = 0; i < DATA_BYTES; i++) {
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    data[i] = (unsigned char)(x >> 24);
  }
  const char *check = "123456789";
  uint64_t check_crc = crc_update(0, (const unsigned char *)check, strlen(check));
  uint64_t whole = crc_update(0, data, DATA_BYTES);
  uint64_t pieces = 0;
  for (size_t at = 0, step = 1; at < DATA_BYTES; at += step, step = step * 2 + 1) {
    size_t n = DATA_BYTES - at < step ? DATA_BYTES - at : step;
    pieces = crc_update(pieces, data + at, n);
  }
  uint64_t bitwise = crc_bitwise(data, DATA_BYTES);
  printf("crc64(\"123456789\") = %016" PRIx64 "\n", check_crc);
  printf("crc64(data) = %016" PRIx64 "\n", whole);
  printf("bitwise = %016" PRIx64 ", in pieces = %016" PRIx64 "\n", bitwise, pieces);
  int ok = check_crc == UINT64_C(0x995DC9BBDF1939FA) && whole == bitwise && whole == pieces;
  puts(ok ? "check: ok" : "check: FAIL");
  return ok ? 0 : 1;
}
