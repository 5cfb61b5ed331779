/*
 * The Lua heap: a TLSF allocator (pkg/tlsf) on a static pool, behind a lua_Alloc that
 * keeps the program within load()'s memory_bytes and records the peak. Bytes are counted
 * as TLSF spends them (the block with its header), so memory_bytes is what the program
 * really takes of the pool; the pool adds room for TLSF's control block on top of
 * VMFLEET_GUEST_RAM. Each load() starts a new pool, so nothing of an old program survives
 * and nothing is freed one by one (a lua_close would run the old program's finalizers).
 */
#include "lua_engine.h"
#include "tlsf.h"

/* tlsf_size(): about 6.5 KiB with 64-bit pointers, 3.2 KiB with 32-bit ones */
#define TLSF_CONTROL_BYTES (sizeof(void *) * 1024)

static uint8_t pool[VMFLEET_GUEST_RAM + TLSF_CONTROL_BYTES] __attribute__((aligned(8)));

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

static uint32_t cost(void *block)
{
    return (uint32_t)(tlsf_block_size(block) + tlsf_alloc_overhead());
}

/* What a block of n bytes will cost: TLSF's alignment, minimum size and header. */
static uint64_t estimate(size_t n)
{
    size_t align = tlsf_align_size();
    size_t size = (n + align - 1) & ~(align - 1);
    if (size < tlsf_block_size_min()) {
        size = tlsf_block_size_min();
    }
    return (uint64_t)size + tlsf_alloc_overhead();
}

void *lx_heap_alloc(void *ud, void *ptr, size_t osize, size_t nsize)
{
    (void)ud;
    (void)osize; /* with ptr NULL it is the type of the new object, not a size */
    uint32_t old = ptr ? cost(ptr) : 0;
    if (nsize == 0) {
        if (ptr) {
            tlsf_free(heap.tlsf, ptr);
            heap.used -= old;
        }
        return NULL;
    }
    uint64_t wanted = estimate(nsize);
    if (wanted > old && heap.used - old + wanted > heap.limit) {
        return NULL; /* Lua collects and tries once more, then "not enough memory" */
    }
    void *p = tlsf_realloc(heap.tlsf, ptr, nsize);
    if (p == NULL) {
        return NULL; /* the pool is too fragmented for this block */
    }
    heap.used = heap.used - old + cost(p);
    if (heap.used > heap.peak) {
        heap.peak = heap.used;
    }
    return p;
}

uint32_t lx_heap_used(void) { return heap.used; }

uint32_t lx_heap_peak(void) { return heap.peak; }

uint32_t lx_heap_pool_bytes(void) { return VMFLEET_GUEST_RAM; }
