/*
 * The Lua heap: a TLSF allocator (pkg/tlsf) on a static pool of VMFLEET_GUEST_RAM bytes,
 * behind a lua_Alloc that enforces load()'s memory_bytes and records the peak. Each
 * load() starts a new pool, so nothing of an old program survives and nothing is freed
 * one by one (a lua_close would run the old program's finalizers).
 */
#include "lua_engine.h"
#include "tlsf.h"

static uint8_t pool[VMFLEET_GUEST_RAM] __attribute__((aligned(8)));

static struct {
    tlsf_t tlsf;
    uint32_t limit;
    uint32_t used;
    uint32_t peak;
} heap;

void lx_heap_reset(uint32_t limit)
{
    heap.tlsf = tlsf_create_with_pool(pool, sizeof(pool));
    heap.limit = limit;
    heap.used = 0;
    heap.peak = 0;
}

void *lx_heap_alloc(void *ud, void *ptr, size_t osize, size_t nsize)
{
    (void)ud;
    /* with ptr NULL, osize is the type of the new object, not a size (lua_Alloc) */
    size_t old = ptr ? osize : 0;
    if (nsize == 0) {
        if (ptr) {
            tlsf_free(heap.tlsf, ptr);
            heap.used -= (uint32_t)old;
        }
        return NULL;
    }
    if (nsize > old && (uint64_t)heap.used - old + nsize > heap.limit) {
        return NULL;
    }
    void *p = tlsf_realloc(heap.tlsf, ptr, nsize);
    if (p == NULL) {
        return NULL; /* the pool itself is full (TLSF's headers and fragmentation) */
    }
    heap.used = (uint32_t)(heap.used - old + nsize);
    if (heap.used > heap.peak) {
        heap.peak = heap.used;
    }
    return p;
}

uint32_t lx_heap_used(void) { return heap.used; }

uint32_t lx_heap_peak(void) { return heap.peak; }

uint32_t lx_heap_pool_bytes(void) { return (uint32_t)sizeof(pool); }
