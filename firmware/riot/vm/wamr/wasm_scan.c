/*
 * A bounded walk over the sections of a WebAssembly binary (Core Spec §5.5) that picks
 * out the static layout and the table's handlers (wasm_scan.h). WAMR has validated the
 * module already, so anything unexpected simply ends the scan with false. The layout also
 * tells what part of linear memory the program touched (wasm_peak_bytes).
 */
#include <string.h>

#include "wasm_scan.h"

#define MAX_TYPES 64
#define TYPE_OTHER (-1)

typedef struct {
    const uint8_t *p;
    const uint8_t *end;
    bool ok;
} cursor_t;

typedef struct {
    int8_t params[MAX_TYPES];   /* i32 parameter count, or TYPE_OTHER */
    uint64_t returns;           /* bit t: type t returns one i32 */
    uint32_t type_count;
    uint32_t func_imports;
    const uint8_t *funcs;       /* the function section's vector of type indices */
    const uint8_t *funcs_end;
    uint32_t func_count;
} types_t;

static uint8_t byte(cursor_t *c)
{
    if (c->p >= c->end) {
        c->ok = false;
        return 0;
    }
    return *c->p++;
}

static uint32_t leb_u32(cursor_t *c)
{
    uint32_t value = 0;
    for (unsigned shift = 0; shift < 35 && c->ok; shift += 7) {
        uint8_t b = byte(c);
        value |= (uint32_t)(b & 0x7F) << shift;
        if (!(b & 0x80)) {
            return value;
        }
    }
    c->ok = false;
    return 0;
}

static int32_t leb_s32(cursor_t *c)
{
    uint32_t value = 0;
    unsigned shift = 0;
    uint8_t b;
    do {
        b = byte(c);
        value |= (uint32_t)(b & 0x7F) << shift;
        shift += 7;
    } while ((b & 0x80) && shift < 35 && c->ok);
    if (shift < 32 && (b & 0x40)) {
        value |= ~0u << shift;
    }
    return (int32_t)value;
}

static void skip(cursor_t *c, uint32_t n)
{
    if ((size_t)(c->end - c->p) < n) {
        c->ok = false;
        return;
    }
    c->p += n;
}

static void skip_limits(cursor_t *c, uint32_t *min)
{
    uint8_t flags = byte(c);
    *min = leb_u32(c);
    if (flags & 1) {
        (void)leb_u32(c);
    }
}

/* A constant expression that must be `i32.const n end` (MVP segment offsets, §3.3.10). */
static uint32_t i32_const(cursor_t *c)
{
    if (byte(c) != 0x41) {
        c->ok = false;
        return 0;
    }
    uint32_t value = (uint32_t)leb_s32(c);
    if (byte(c) != 0x0B) {
        c->ok = false;
    }
    return value;
}

static void scan_types(cursor_t *c, types_t *t)
{
    uint32_t n = leb_u32(c);
    for (uint32_t i = 0; i < n && c->ok; i++) {
        bool all_i32 = byte(c) == 0x60;
        uint32_t params = leb_u32(c);
        for (uint32_t k = 0; k < params && c->ok; k++) {
            all_i32 &= byte(c) == 0x7F;
        }
        uint32_t results = leb_u32(c);
        bool returns_i32 = results == 1;
        for (uint32_t k = 0; k < results && c->ok; k++) {
            returns_i32 &= byte(c) == 0x7F;
        }
        if (i < MAX_TYPES) {
            bool handler = all_i32 && params <= 4 && (results == 0 || returns_i32);
            t->params[i] = handler ? (int8_t)params : TYPE_OTHER;
            t->returns |= (uint64_t)(handler && returns_i32) << i;
        }
    }
    t->type_count = n;
}

static void scan_imports(cursor_t *c, types_t *t, wasm_layout_t *out, uint32_t *global_imports)
{
    uint32_t n = leb_u32(c);
    for (uint32_t i = 0; i < n && c->ok; i++) {
        skip(c, leb_u32(c)); /* module name */
        skip(c, leb_u32(c)); /* field name */
        switch (byte(c)) {
        case 0: (void)leb_u32(c); t->func_imports++; break;
        case 1: (void)byte(c); skip_limits(c, &out->table_size); break;
        case 2: skip_limits(c, &out->init_pages); break;
        case 3: (void)byte(c); (void)byte(c); (*global_imports)++; break;
        default: c->ok = false; break;
        }
    }
}

static void scan_globals(cursor_t *c, wasm_layout_t *out, uint32_t global_imports)
{
    if (leb_u32(c) == 0 || global_imports > 0) {
        return;
    }
    uint8_t type = byte(c);
    uint8_t mutable = byte(c);
    if (type == 0x7F && mutable == 1 && c->p < c->end && *c->p == 0x41) {
        out->has_stack_pointer = true;
        out->stack_top = i32_const(c);
    }
}

static void scan_data(cursor_t *c, wasm_layout_t *out)
{
    uint32_t n = leb_u32(c);
    for (uint32_t i = 0; i < n && c->ok; i++) {
        if (leb_u32(c) != 0) { /* MVP: memory index 0, active */
            c->ok = false;
            break;
        }
        uint32_t offset = i32_const(c);
        uint32_t len = leb_u32(c);
        skip(c, len);
        uint64_t end = (uint64_t)offset + len;
        if (len > 0) {
            if (out->data_end == 0 || offset < out->data_start) {
                out->data_start = offset;
            }
            uint32_t capped = end > UINT32_MAX ? UINT32_MAX : (uint32_t)end;
            if (capped > out->data_end) {
                out->data_end = capped;
            }
        }
    }
}

/* The handler shape (wasm_scan.h) of function `f`, a module function index. */
static int8_t handler_shape(const types_t *t, uint32_t f, bool *returns)
{
    *returns = false;
    if (f < t->func_imports || f - t->func_imports >= t->func_count) {
        return TYPE_OTHER;
    }
    cursor_t c = { t->funcs, t->funcs_end, true };
    uint32_t type = 0;
    for (uint32_t i = 0; i <= f - t->func_imports && c.ok; i++) {
        type = leb_u32(&c);
    }
    if (!c.ok || type >= MAX_TYPES || type >= t->type_count) {
        return TYPE_OTHER;
    }
    *returns = (t->returns >> type) & 1;
    return t->params[type];
}

static void scan_elements(cursor_t *c, const types_t *t, wasm_layout_t *out)
{
    uint32_t n = leb_u32(c);
    for (uint32_t i = 0; i < n && c->ok; i++) {
        if (leb_u32(c) != 0) { /* MVP: table index 0, active, function indices */
            c->ok = false;
            break;
        }
        uint32_t slot = i32_const(c);
        uint32_t count = leb_u32(c);
        for (uint32_t k = 0; k < count && c->ok; k++, slot++) {
            uint32_t f = leb_u32(c);
            if (slot < WASM_SCAN_TABLE_SLOTS) {
                bool returns;
                out->handler_params[slot] = handler_shape(t, f, &returns);
                out->handler_returns &= ~(1u << slot);
                out->handler_returns |= (uint32_t)returns << slot;
            }
        }
    }
}

bool wasm_scan(const uint8_t *image, size_t len, wasm_layout_t *out)
{
    static types_t t; /* static: keeps the VM thread's stack small */
    memset(&t, 0, sizeof(t));
    memset(out, 0, sizeof(*out));
    memset(out->handler_params, TYPE_OTHER, sizeof(out->handler_params));
    cursor_t c = { image, image + len, true };
    skip(&c, 8); /* magic and version, checked by WAMR */
    uint32_t global_imports = 0;
    while (c.ok && c.p < c.end) {
        uint8_t id = byte(&c);
        uint32_t size = leb_u32(&c);
        if (!c.ok || (size_t)(c.end - c.p) < size) {
            return false;
        }
        cursor_t s = { c.p, c.p + size, true };
        switch (id) {
        case 1: scan_types(&s, &t); break;
        case 2: scan_imports(&s, &t, out, &global_imports); break;
        case 3:
            t.func_count = leb_u32(&s);
            t.funcs = s.p;
            t.funcs_end = s.end;
            break;
        case 4: (void)leb_u32(&s); (void)byte(&s); skip_limits(&s, &out->table_size); break;
        case 5: if (leb_u32(&s) > 0) { skip_limits(&s, &out->init_pages); } break;
        case 6: scan_globals(&s, out, global_imports); break;
        case 9: scan_elements(&s, &t, out); break;
        case 11: scan_data(&s, out); break;
        default: break; /* custom, export, start, code, data count */
        }
        if (!s.ok) {
            return false;
        }
        c.p += size;
    }
    return c.ok;
}

/* What the guest touched, as engine.ts computes it: the data and .bss/heap up to the last
 * non-zero byte, plus the stack below the initial stack pointer down to its deepest
 * non-zero byte (a stack-first layout grows down towards 0). */
uint32_t wasm_peak_bytes(const wasm_layout_t *l, const uint8_t *mem, uint32_t cap)
{
    uint32_t end = cap;
    while (end > l->data_end && mem[end - 1] == 0) {
        end--;
    }
    uint32_t statics = (end > l->data_end ? end : l->data_end) - l->data_start;
    if (!l->has_stack_pointer) {
        uint32_t static_end = wasm_static_end(l);
        uint32_t touched = end > static_end ? end : static_end;
        return touched < cap ? touched : cap;
    }
    uint32_t top = l->stack_top < cap ? l->stack_top : cap;
    uint32_t floor = top > l->data_start ? l->data_end : 0;
    uint32_t low = floor;
    while (low < top && mem[low] == 0) {
        low++;
    }
    uint32_t peak = statics + (top - low);
    return peak < cap ? peak : cap;
}
