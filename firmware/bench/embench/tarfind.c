/*
 * tarfind (Embench-like set): looks files up by name in a ustar archive built into the
 * image (tarfind_archive.h, made by tools/gen-tarfind-archive.ts), as a device would
 * find a file in a bundle it received. A first walk validates every header checksum;
 * then each round runs every query: walk the headers, compare names, hash the contents
 * of what is found. The generator's answers (count, bytes, FNV-1a of all contents) are
 * the self-check.
 */
#include <stdint.h>
#include <string.h>
#include "report.h"
#include "tarfind_archive.h"

#define ROUNDS 100
#define BLOCK 512

/* ustar header fields (POSIX.1, pax "ustar Interchange Format"). */
#define NAME_OFFSET 0
#define NAME_BYTES 100
#define SIZE_OFFSET 124
#define SIZE_BYTES 12
#define CHKSUM_OFFSET 148
#define CHKSUM_BYTES 8
#define TYPE_OFFSET 156

static uint32_t parse_octal(const uint8_t *p, uint32_t n) {
  uint32_t v = 0;
  for (; n && *p >= '0' && *p <= '7'; n--, p++) v = v * 8 + (uint32_t)(*p - '0');
  return v;
}

static int is_end_block(const uint8_t *h) {
  for (uint32_t i = 0; i < BLOCK; i++) {
    if (h[i]) return 0;
  }
  return 1;
}

/* The checksum sums the header with its own field read as spaces. */
static int header_valid(const uint8_t *h) {
  uint32_t sum = 0;
  for (uint32_t i = 0; i < BLOCK; i++) {
    sum += (i >= CHKSUM_OFFSET && i < CHKSUM_OFFSET + CHKSUM_BYTES) ? ' ' : h[i];
  }
  return sum == parse_octal(h + CHKSUM_OFFSET, CHKSUM_BYTES);
}

static int is_regular_file(const uint8_t *h) {
  return h[TYPE_OFFSET] == '0' || h[TYPE_OFFSET] == '\0';
}

static uint32_t fnv1a(const uint8_t *p, uint32_t n, uint32_t hash) {
  while (n--) hash = (hash ^ *p++) * 0x01000193u;
  return hash;
}

struct walk {
  uint32_t entries, files, bad_headers;
};

/*
 * Returns the header of regular file `name`, or 0. Stops at the end-of-archive block or
 * the end of the array. With `w`, also validates each header checksum (stopping at a
 * bad one) and counts what was walked.
 */
static const uint8_t *tar_find(const char *name, struct walk *w) {
  uint32_t at = 0;
  while (at + BLOCK <= TAR_ARCHIVE_BYTES) {
    const uint8_t *h = tar_archive + at;
    if (h[NAME_OFFSET] == '\0' && is_end_block(h)) break;
    if (w && !header_valid(h)) {
      w->bad_headers++;
      break;
    }
    uint32_t size = parse_octal(h + SIZE_OFFSET, SIZE_BYTES);
    if (w) w->entries++, w->files += is_regular_file(h);
    if (name && is_regular_file(h) && strncmp((const char *)h + NAME_OFFSET, name, NAME_BYTES) == 0) {
      return h;
    }
    at += BLOCK + (size + BLOCK - 1) / BLOCK * BLOCK;
  }
  return 0;
}

int main(void) {
  struct walk all = {0, 0, 0};
  tar_find(0, &all);
  print_field_int("entries", (int32_t)all.entries);
  print_field_int("files", (int32_t)all.files);

  uint32_t rounds_ok = 0, found = 0, bytes = 0, hash = 0;
  for (uint32_t r = 0; r < ROUNDS; r++) {
    found = bytes = 0;
    hash = 0x811c9dc5u;
    /* Queries run last file first, so this hashes the files in reverse archive order. */
    for (uint32_t q = 0; q < TAR_QUERY_COUNT; q++) {
      const uint8_t *h = tar_find(tar_queries[q], 0);
      if (!h) continue;
      uint32_t size = parse_octal(h + SIZE_OFFSET, SIZE_BYTES);
      found++;
      bytes += size;
      hash = fnv1a(h + BLOCK, size, hash);
    }
    if (found == TAR_QUERIES_PRESENT && bytes == TAR_CONTENT_BYTES) rounds_ok++;
  }
  print_field_int("found", (int32_t)found);
  print_field_int("bytes", (int32_t)bytes);
  print_field_hex("fnv1a (query order)", hash);

  /* The generator's hash is over archive order: redo it that way to compare. */
  uint32_t archive_hash = 0x811c9dc5u;
  for (int32_t q = TAR_QUERIES_PRESENT - 1; q >= 0; q--) {
    const uint8_t *h = tar_find(tar_queries[q], 0);
    if (h) archive_hash = fnv1a(h + BLOCK, parse_octal(h + SIZE_OFFSET, SIZE_BYTES), archive_hash);
  }
  print_field_hex("fnv1a (archive order)", archive_hash);

  expect(all.bad_headers == 0, "a header checksum is wrong");
  expect(all.entries == TAR_ENTRY_COUNT && all.files == TAR_FILE_COUNT, "entry count");
  expect(rounds_ok == ROUNDS, "a round found the wrong files");
  expect(archive_hash == TAR_CONTENT_FNV1A, "contents differ from the generator's");
  return report_check();
}
