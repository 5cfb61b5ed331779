/*
 * The device's flash (RIOT mtd, MTD_0): the provisioning and the two app slots survive a
 * reboot, so a device comes back with its identity and its app, and a transfer cut by a
 * power loss resumes at the first byte it had not written.
 *
 * Layout: sector 0 holds one record (provisioning + slot table), rewritten whole on every
 * change; the slots' bytes follow, each in its own run of sectors. Boards without MTD_0
 * keep everything in RAM only (every call is then a no-op that reports "not stored").
 */
#ifndef VMFLEET_STORAGE_H
#define VMFLEET_STORAGE_H

#include <stdbool.h>
#include <stdint.h>

#include "manifest.h"

typedef struct {
    bool used;
    bool complete;
    manifest_t manifest;
    uint32_t received;
} stored_slot_t;

typedef struct {
    char id[65];
    char token[129];
    char gateway[64];   /* "[addr]:port" as given to `vmfleet gw` */
    char address[48];   /* the device's own "addr/prefix", or "" */
    uint8_t key[32];
    bool has_key;
    bool provisioned;   /* `vmfleet start` was run: start the agent at boot */
} stored_config_t;

typedef struct {
    stored_config_t config;
    stored_slot_t slots[2];
    int8_t active;
    int8_t previous;
} stored_state_t;

/** Mounts the flash and reads the record into storage_state(); false when there is no
 * flash or no record (a fresh device: the state is then all zero, active/previous -1). */
bool storage_init(void);
/** The state in RAM; change it, then storage_commit(). */
stored_state_t *storage_state(void);
/** Writes the state to flash (when the board has one). */
void storage_commit(void);
/** Prepares a slot's sectors for a new payload. */
void storage_erase_slot(int slot, uint32_t bytes);
void storage_write(int slot, uint32_t offset, const uint8_t *data, uint32_t len);
bool storage_read(int slot, uint8_t *dst, uint32_t len);

#endif /* VMFLEET_STORAGE_H */
