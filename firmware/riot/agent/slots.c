/*
 * App slots: the bytes in RAM, where the engines run them from, and mirrored to flash
 * with the slot table (storage.c), so both survive a reboot and a cut transfer resumes.
 */
#include <string.h>

#include "hashes/sha256.h"

#include "slots.h"

#define FLASH_PAGE 4096

#define _slots (storage_state()->slots)
#define _active (storage_state()->active)
#define _previous (storage_state()->previous)

static uint8_t _data[2][SLOT_BYTES];

bool slots_init(void)
{
    if (!storage_init()) {
        return false;
    }
    for (int i = 0; i < 2; i++) {
        slot_t *s = &_slots[i];
        if (s->used && (s->received > SLOT_BYTES || !storage_read(i, _data[i], s->received))) {
            memset(s, 0, sizeof(*s));
        }
    }
    return true;
}

int slots_active(void) { return _active; }
int slots_previous(void) { return _previous; }
const slot_t *slots_get(int slot) { return &_slots[slot]; }
const uint8_t *slots_data(int slot) { return _data[slot]; }

static bool _same(const manifest_t *a, const manifest_t *b)
{
    return a->sequence == b->sequence && a->size == b->size &&
           memcmp(a->sha256, b->sha256, sizeof(a->sha256)) == 0 &&
           strcmp(a->name, b->name) == 0 && strcmp(a->version, b->version) == 0;
}

int slots_begin(const manifest_t *m)
{
    if (m->size > SLOT_BYTES) {
        return -1;
    }
    int slot = _active == 0 ? 1 : 0;
    if (_slots[slot].used && _same(&_slots[slot].manifest, m)) {
        return slot; /* resume */
    }
    if (slot == _previous) {
        _previous = -1; /* the old app is overwritten: nothing to revert to */
    }
    memset(&_slots[slot], 0, sizeof(_slots[slot]));
    _slots[slot].used = true;
    _slots[slot].manifest = *m;
    storage_erase_slot(slot, m->size);
    storage_commit();
    return slot;
}

int slots_write(int slot, uint32_t offset, const uint8_t *data, uint32_t len)
{
    slot_t *s = &_slots[slot];
    if (offset != s->received || offset + len > s->manifest.size) {
        return -1;
    }
    memcpy(&_data[slot][offset], data, len);
    storage_write(slot, offset, data, len);
    s->received += len;
    /* The table follows every block, so a reboot resumes at the first byte not written.
     * (A board whose flash wears should batch this; native64's is a file.) */
    storage_commit();
    return 0;
}

bool slots_verify(int slot)
{
    slot_t *s = &_slots[slot];
    uint8_t digest[SHA256_DIGEST_LENGTH];
    sha256(_data[slot], s->received, digest);
    s->complete = s->received == s->manifest.size &&
                  memcmp(digest, s->manifest.sha256, sizeof(digest)) == 0;
    storage_commit();
    return s->complete;
}

void slots_activate(int slot)
{
    if (_active != slot) {
        _previous = _active;
        _active = slot;
        storage_commit();
    }
}

int slots_revert(void)
{
    if (_previous < 0) {
        return -1;
    }
    int failed = _active;
    _active = _previous;
    _previous = -1;
    slots_discard(failed);
    return _active;
}

void slots_discard(int slot)
{
    if (slot >= 0) {
        memset(&_slots[slot], 0, sizeof(_slots[slot]));
        if (_active == slot) {
            _active = -1;
        }
        if (_previous == slot) {
            _previous = -1;
        }
        storage_commit();
    }
}

uint32_t slots_flash_used(void)
{
    uint32_t used = 0;
    for (int i = 0; i < 2; i++) {
        if (_slots[i].used) {
            used += (_slots[i].manifest.size + FLASH_PAGE - 1) / FLASH_PAGE * FLASH_PAGE;
        }
    }
    return used;
}
