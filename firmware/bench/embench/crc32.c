/*
 * crc32 (Embench-like set): CRC-32 (IEEE 802.3, reflected, polynomial 0xEDB88320) of a
 * pseudo-random buffer, table-driven, ROUNDS times with one byte changed per round.
 * Checked against the standard check value CRC-32("123456789") = 0xCBF43926 and a
 * bit-at-a-time implementation over the same buffer.
 */
#include <stdint.h>
#include <string.h>
#include "report.h"

#define BUFFER_BYTES 4096
#define ROUNDS 24
#define POLY 0xedb88320u

static uint32_t table[256];
static uint8_t buffer[BUFFER_BYTES];

static void table_init(void) {
  for (uint32_t i = 0; i < 256; i++) {
    uint32_t c = i;
    for (int k = 0; k < 8; k++) c = (c & 1) ? POLY ^ (c >> 1) : c >> 1;
    table[i] = c;
  }
}

static uint32_t crc32_table(const uint8_t *p, uint32_t n) {
  uint32_t c = 0xffffffffu;
  while (n--) c = table[(c ^ *p++) & 0xff] ^ (c >> 8);
  return ~c;
}

static uint32_t crc32_bitwise(const uint8_t *p, uint32_t n) {
  uint32_t c = 0xffffffffu;
  while (n--) {
    c ^= *p++;
    for (int k = 0; k < 8; k++) c = (c >> 1) ^ (POLY & (0u - (c & 1)));
  }
  return ~c;
}

/* Embench's rand_beebs: the ANSI C example LCG, 15 bits per call. */
static uint32_t seed = 0;
static uint32_t rand_beebs(void) {
  seed = seed * 1103515245u + 12345u;
  return (seed >> 16) & 0x7fff;
}

int main(void) {
  table_init();
  for (uint32_t i = 0; i < BUFFER_BYTES; i++) buffer[i] = (uint8_t)rand_beebs();

  uint32_t check = crc32_table((const uint8_t *)"123456789", 9);
  print_field_hex("crc32(\"123456789\")", check);

  uint32_t combined = 0, crc = 0;
  for (uint32_t r = 0; r < ROUNDS; r++) {
    buffer[r * 131 % BUFFER_BYTES] ^= (uint8_t)(r + 1);
    crc = crc32_table(buffer, BUFFER_BYTES);
    combined = (combined << 1 | combined >> 31) ^ crc;
  }
  print_field_hex("crc32(buffer)", crc);
  print_field_hex("combined", combined);

  expect(check == 0xcbf43926u, "check value of \"123456789\"");
  expect(crc == crc32_bitwise(buffer, BUFFER_BYTES), "table != bitwise");
  expect(strlen("123456789") == 9, "strlen");
  return report_check();
}
