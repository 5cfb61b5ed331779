/* Shared by the host tools: records on stdin and a JSON dump through the cbor.h reader. */
#ifndef HOST_AGENT_DUMP_H
#define HOST_AGENT_DUMP_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "cbor.h"

/* Largest record the tools accept; hostile inputs in the tests stay below it. */
#define RECORD_MAX (1u << 20)

/* Reads one record from `in`: a 4-byte big-endian length, then that many bytes.
 * Returns the length, or -1 at the end of input. Exits on a short or oversized record. */
long read_record(FILE *in, uint8_t *buf, size_t cap);

/* Writes the item at `r` as JSON using only the typed reads of cbor.h (so hostile input
 * goes through the same paths the agent uses). Byte strings print as "h'<hex>'", floats
 * always with a '.' or an exponent, non-text map keys as their decimal string. Returns
 * the reader's error; the output is then incomplete. */
int dump_item(cbor_reader_t *r, FILE *out, unsigned depth);

void print_hex(FILE *out, const uint8_t *b, size_t len);

#endif
