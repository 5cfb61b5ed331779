/*
 * Two app slots (docs/protocol.md §10.1): the active one runs, the other receives an
 * update; an update that fails its health window reverts to the previous slot. Each slot
 * keeps the verified manifest and how many payload bytes have arrived in order, which is
 * where a transfer resumes.
 */
#ifndef VMFLEET_SLOTS_H
#define VMFLEET_SLOTS_H

#include <stdbool.h>
#include <stdint.h>

#include "manifest.h"
#include "storage.h"

#ifndef SLOT_BYTES
#define SLOT_BYTES (64 * 1024)
#endif

/* A slot: its verified manifest and how many payload bytes arrived in order (storage.h). */
typedef stored_slot_t slot_t;

/** Reads the slots back from flash (storage.h); false on a fresh device. */
bool slots_init(void);
/** The slot that runs, or -1. */
int slots_active(void);
/** The slot that ran before the active one (for a revert), or -1. */
int slots_previous(void);
const slot_t *slots_get(int slot);
const uint8_t *slots_data(int slot);
/**
 * The slot to receive `m`: the inactive one, resumed where it stopped when it already
 * holds part of the same manifest (same name, version, sequence and digest), else emptied.
 */
int slots_begin(const manifest_t *m);
/** Appends bytes at `offset` (must equal what has been received). */
int slots_write(int slot, uint32_t offset, const uint8_t *data, uint32_t len);
/** Checks the SHA-256 of the received bytes against the manifest. */
bool slots_verify(int slot);
/** Makes `slot` the active one; the old active one becomes the previous. */
void slots_activate(int slot);
/** Back to the previous slot (it becomes active again); the failed one is emptied. */
int slots_revert(void);
/** Forgets a slot's content (a cancelled or failed transfer). */
void slots_discard(int slot);
/** Flash in use by both slots, in whole pages. */
uint32_t slots_flash_used(void);

#endif /* VMFLEET_SLOTS_H */
