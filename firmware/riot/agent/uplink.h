/*
 * The uplink messages of protocol v1 the RIOT device sends (docs/protocol.md §5, §9, §10),
 * built with the CBOR writer, and the one call that POSTs them on their channel.
 */
#ifndef VMFLEET_UPLINK_H
#define VMFLEET_UPLINK_H

#include <stddef.h>
#include <stdint.h>

#include "cbor.h"
#include "runner.h"

/* Room for the largest uplink: a bench reply with its output, a 1024-byte memory read. */
#define UPLINK_BYTES 6144

/** Gives the shared uplink buffer, a writer already initialised over it. */
cbor_writer_t *uplink_begin(void);
/** POSTs what uplink_begin's writer holds to /v1/<channel>; 0 on 2.xx, else the code. */
int uplink_send(const char *channel);

/** The payload of the answer to the last uplink_send (e.g. the registration's session). */
const uint8_t *uplink_answer(size_t *len);

void uplink_put_hello_body(cbor_writer_t *w);
int uplink_hello(void);
int uplink_status(const char *state);
int uplink_telemetry(void);
int uplink_publish(const char *name, int32_t value);
int uplink_emit(uint16_t event, int32_t value);
int uplink_vm_event(program_state_t state, const run_end_t *end);
void uplink_put_fault(cbor_writer_t *w, const vm_fault_t *fault);
/** Both app slots as hello and OTA reports carry them (docs/protocol.md §5.2 `slots`). */
void uplink_put_slots(cbor_writer_t *w);
/** An app reference {id, version} (appRefSchema), or null when id is NULL or empty. */
void uplink_put_app_ref(cbor_writer_t *w, const char *id, const char *version);

/** A failed reply: {id, ok: false, error: {code, message}}. */
int uplink_reply_error(const char *id, size_t id_len, const char *code, const char *message);

#endif /* VMFLEET_UPLINK_H */
