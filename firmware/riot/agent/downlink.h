/*
 * Downlink notifications of /v1/down (docs/protocol.md §11.1): `{channel, body}` with
 * channel cmd (Thing Monitor, monitor.c), update (OTA, ota.c) or error. A notification
 * over 1024 bytes continues by Block2 GETs of /v1/down (RFC 7959 §3.4).
 */
#ifndef VMFLEET_DOWNLINK_H
#define VMFLEET_DOWNLINK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cbor.h"

/* The largest downlink the device assembles: a `load` command with its image. */
#ifndef DOWNLINK_BYTES
#define DOWNLINK_BYTES (40 * 1024)
#endif

/** Handles one notification (first block in `first`), in the agent thread. */
void downlink_handle(const uint8_t *first, size_t len, bool more_blocks);

/** Thing Monitor command (monitor.c): `body` is the cmd map. */
void monitor_handle(cbor_reader_t *body);

/** OTA `update` message (ota.c): `body` is the update map. */
void ota_handle(cbor_reader_t *body);

#endif /* VMFLEET_DOWNLINK_H */
