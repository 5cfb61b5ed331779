/*
 * Device flash over RIOT's mtd (storage.h). On native64 MTD_0 is a file (`--mtd FILE`),
 * on the Feather nRF52840 Sense the external SPI NOR.
 */
#include <stdio.h>
#include <string.h>

#include "board.h"
#ifdef MODULE_MTD
#include "mtd.h"
#endif

#include "slots.h"
#include "storage.h"

#define MAGIC 0x564d4631u /* "VMF1"; a layout change gets a new one */

typedef struct {
    uint32_t magic;
    uint32_t length;
    stored_state_t state;
    uint32_t check; /* a sum over state: a torn write reads as no record */
} record_t;

static stored_state_t _state = { .active = -1, .previous = -1 };

stored_state_t *storage_state(void)
{
    return &_state;
}

static bool _mount(void);
static bool _load(stored_state_t *state);
static void _save(const stored_state_t *state);

bool storage_init(void)
{
    return _mount() && _load(&_state);
}

void storage_commit(void)
{
    _save(&_state);
}

#if defined(MODULE_MTD) && defined(MTD_0)

static mtd_dev_t *_dev;
static uint32_t _sector_bytes;

static uint32_t _sum(const stored_state_t *s)
{
    const uint8_t *p = (const uint8_t *)s;
    uint32_t sum = 0x811c9dc5u;
    for (size_t i = 0; i < sizeof(*s); i++) {
        sum = (sum ^ p[i]) * 0x01000193u; /* FNV-1a */
    }
    return sum;
}

static uint32_t _slot_base(int slot)
{
    uint32_t sectors = (SLOT_BYTES + _sector_bytes - 1) / _sector_bytes;
    return (1 + slot * sectors) * _sector_bytes;
}

static bool _mount(void)
{
    _dev = MTD_0;
    if (mtd_init(_dev) != 0) {
        _dev = NULL;
        return false;
    }
    _sector_bytes = _dev->pages_per_sector * _dev->page_size;
    uint32_t needed = _slot_base(2) + sizeof(record_t);
    if (needed > _dev->sector_count * _sector_bytes || sizeof(record_t) > _sector_bytes) {
        printf("vmfleet: flash too small for two slots (%lu bytes)\n", (unsigned long)needed);
        _dev = NULL;
        return false;
    }
    return true;
}

static bool _load(stored_state_t *state)
{
    static record_t r;
    if (!_dev || mtd_read(_dev, &r, 0, sizeof(r)) != 0) {
        return false;
    }
    if (r.magic != MAGIC || r.length != sizeof(r.state) || r.check != _sum(&r.state)) {
        return false;
    }
    *state = r.state;
    return true;
}

static void _write(uint32_t addr, const void *data, uint32_t len)
{
    uint32_t page = addr / _dev->page_size;
    uint32_t offset = addr % _dev->page_size;
    if (mtd_write_page_raw(_dev, data, page, offset, len) != 0) {
        printf("vmfleet: flash write at %lu failed\n", (unsigned long)addr);
    }
}

static void _save(const stored_state_t *state)
{
    static record_t r;
    if (!_dev) {
        return;
    }
    r.magic = MAGIC;
    r.length = sizeof(r.state);
    r.state = *state;
    r.check = _sum(state);
    mtd_erase_sector(_dev, 0, 1);
    _write(0, &r, sizeof(r));
}

void storage_erase_slot(int slot, uint32_t bytes)
{
    if (_dev && bytes) {
        uint32_t first = _slot_base(slot) / _sector_bytes;
        mtd_erase_sector(_dev, first, (bytes + _sector_bytes - 1) / _sector_bytes);
    }
}

void storage_write(int slot, uint32_t offset, const uint8_t *data, uint32_t len)
{
    if (_dev) {
        _write(_slot_base(slot) + offset, data, len);
    }
}

bool storage_read(int slot, uint8_t *dst, uint32_t len)
{
    return _dev && mtd_read(_dev, dst, _slot_base(slot), len) == 0;
}

#else /* no flash: RAM only */

static bool _mount(void) { return false; }
static bool _load(stored_state_t *state) { (void)state; return false; }
static void _save(const stored_state_t *state) { (void)state; }
void storage_erase_slot(int slot, uint32_t bytes) { (void)slot; (void)bytes; }
void storage_write(int slot, uint32_t offset, const uint8_t *data, uint32_t len)
{
    (void)slot; (void)offset; (void)data; (void)len;
}
bool storage_read(int slot, uint8_t *dst, uint32_t len)
{
    (void)slot; (void)dst; (void)len;
    return false;
}

#endif
