/*
 * App slots in RAM: a first cut that works on every board; a board's flash (mtd) can
 * back the same interface.
 */
#include <string.h>

#include "hashes/sha256.h"

#include "slots.h"

#define FLASH_PAGE 4096

static slot_t _slots[2];
static uint8_t _data[2][SLOT_BYTES];
static int _active = -1;
static int _previous = -1;

void slots_init(void)
{
    memset(_slots, 0, sizeof(_slots));
    _active = _previous = -1;
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
    return slot;
}

int slots_write(int slot, uint32_t offset, const uint8_t *data, uint32_t len)
{
    slot_t *s = &_slots[slot];
    if (offset != s->received || offset + len > s->manifest.size) {
        return -1;
    }
    memcpy(&_data[slot][offset], data, len);
    s->received += len;
    return 0;
}

bool slots_verify(int slot)
{
    slot_t *s = &_slots[slot];
    uint8_t digest[SHA256_DIGEST_LENGTH];
    sha256(_data[slot], s->received, digest);
    s->complete = s->received == s->manifest.size &&
                  memcmp(digest, s->manifest.sha256, sizeof(digest)) == 0;
    return s->complete;
}

void slots_activate(int slot)
{
    if (_active != slot) {
        _previous = _active;
        _active = slot;
    }
}

int slots_revert(void)
{
    if (_previous < 0) {
        return -1;
    }
    slots_discard(_active);
    _active = _previous;
    _previous = -1;
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
