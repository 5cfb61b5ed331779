/*
 * Helper calls (`call <id>`, src 0): devices/engines/ebpf/helper-calls.ts and saul.ts.
 * Arguments are r1..r5 (low 32 bits, the ABI's int32 values), the result goes to r0
 * sign-extended. ABI helpers (0x100 + syscall number) go straight to vm_host_syscall;
 * the Femto-Container helpers are built here on top of the same syscalls.
 */
#include "ebpf_internal.h"

enum {
    SYS_PRINT = 2, SYS_TIME_MS = 4, SYS_HAL_PROBE = 10, SYS_HAL_READ = 11, SYS_HAL_WRITE = 12,
};
/* HAL sensor type of an input pin (a button) and actuator type of an output pin. */
#define HAL_BUTTON 5
#define HAL_GPIO 2
/* sizeof(phydat_t): int16 val[3], int8 unit, int8 scale (RIOT sys/include/phydat.h). */
#define PHYDAT_BYTES 8u
#define SAUL_TYPES 6

typedef struct {
    vm_outcome_t *out;
    uint32_t id;
    bool stopped; /* a syscall ended the run: *out says how */
} call_t;

/* The host refused a call: bad_syscall, or the bad_address of the view access that made
 * it refuse (a GuestAccessError in the TS engine). */
static void host_fault(call_t *c, const char *message)
{
    eb_text_t t = eb_fault_helper(&c->out->fault, c->id);
    if (eb.access_failed) {
        c->out->fault.code = "bad_address";
        c->out->fault.address = eb.failed_address;
        c->out->fault.has_address = true;
    }
    eb_text_str(&t, message == NULL ? "refused by the host" : message);
    c->out->kind = VM_RUN_FAULT;
    c->stopped = true;
}

/* A syscall made on behalf of a Femto-Container helper must produce a value (valueOf):
 * a yield counts as its value, an exit or a fault ends the run. */
static int32_t sys(call_t *c, uint32_t nr, int32_t a0, int32_t a1, int32_t a2)
{
    const int32_t args[4] = { a0, a1, a2, 0 };
    eb.access_failed = false;
    vm_sys_result_t res = vm_host_syscall(nr, args, &eb_view);
    switch (res.kind) {
    case VM_SYS_VALUE:
    case VM_SYS_YIELD:
        return res.value;
    case VM_SYS_EXIT:
        c->out->kind = VM_RUN_EXITED;
        c->out->value = res.value;
        c->stopped = true;
        return 0;
    default:
        host_fault(c, res.message);
        return 0;
    }
}

/* ---- key/value stores (0x10-0x13) --------------------------------------------------------- */

static int32_t store_put(eb_store_t *s, uint32_t key, uint32_t value)
{
    for (unsigned k = 0; k < s->count; k++) {
        if (s->entries[k].key == key) {
            s->entries[k].value = value;
            return 0;
        }
    }
    if (s->count == VMFLEET_EBPF_STORE_ENTRIES) {
        return -1; /* full: a C limit the TS Map does not have */
    }
    s->entries[s->count++] = (eb_entry_t){ key, value };
    return 0;
}

static uint32_t store_get(const eb_store_t *s, uint32_t key)
{
    for (unsigned k = 0; k < s->count; k++) {
        if (s->entries[k].key == key) {
            return s->entries[k].value;
        }
    }
    return 0; /* an absent key reads as 0, as in Femto-Container's btree */
}

static bool write_u32(call_t *c, uint32_t addr, uint32_t value)
{
    uint8_t *p = eb_map_write(addr, 4);
    if (p == NULL) {
        eb_fault_access(&c->out->fault, c->id, true, addr, 4);
        c->out->kind = VM_RUN_FAULT;
        c->stopped = true;
        return false;
    }
    for (unsigned k = 0; k < 4; k++) {
        p[k] = (uint8_t)(value >> (8 * k));
    }
    return true;
}

/* ---- SAUL over the HAL (0x30-0x33): handle = (type << 8 | index) + 1, 0 = none ------------- */

static int32_t saul_find_nth(call_t *c, int32_t position)
{
    int64_t left = position;
    for (int32_t type = 1; type <= SAUL_TYPES; type++) {
        int32_t count = sys(c, SYS_HAL_PROBE, type, 0, 0);
        if (c->stopped) {
            return 0;
        }
        if (left < count) {
            return (int32_t)(((uint32_t)type << 8 | (uint32_t)left) + 1);
        }
        left -= count > 0 ? count : 0;
    }
    return 0;
}

/* Reads the sensor into *data: val[0] with a decimal scale so it fits int16. */
static int32_t saul_read(call_t *c, int32_t device, uint32_t data)
{
    if (device == 0) {
        return -1;
    }
    uint32_t key = (uint32_t)device - 1;
    int32_t value = sys(c, SYS_HAL_READ, (int32_t)(key >> 8), (int32_t)(key & 0xff), 0);
    if (c->stopped) {
        return 0;
    }
    int8_t scale = -3; /* milli-units */
    while (value > 32767 || value < -32768) {
        value /= 10; /* truncates toward zero, as Math.trunc */
        scale++;
    }
    uint8_t *p = eb_map_write(data, PHYDAT_BYTES);
    if (p == NULL) {
        eb_fault_access(&c->out->fault, c->id, true, data, PHYDAT_BYTES);
        c->out->kind = VM_RUN_FAULT;
        c->stopped = true;
        return 0;
    }
    eb_zero(p, PHYDAT_BYTES);
    p[0] = (uint8_t)value;
    p[1] = (uint8_t)((uint32_t)value >> 8);
    p[7] = (uint8_t)scale;
    return 1;
}

/* Math.round(v × 10^scale) then ToInt32, for a phydat value: exact while the product
 * fits a double's 53 bits (JS rounds beyond, this keeps the exact product mod 2^32). */
static int32_t scaled(int16_t v, int8_t scale)
{
    if (scale >= 0) {
        uint64_t x = (uint64_t)(int64_t)v;
        for (int k = 0; k < scale; k++) {
            x *= 10;
        }
        return (int32_t)(uint32_t)x;
    }
    if (scale < -5) {
        return 0; /* |v| <= 32768 over 10^6 or more rounds to 0 */
    }
    int64_t d = 1;
    for (int k = 0; k < -scale; k++) {
        d *= 10;
    }
    int64_t n = 2 * (int64_t)v + d, q = n / (2 * d); /* floor(v / d + 1/2) */
    return (int32_t)(n % (2 * d) < 0 ? q - 1 : q);
}

static int32_t saul_write(call_t *c, int32_t device, uint32_t data)
{
    if (device == 0) {
        return -1;
    }
    uint32_t key = (uint32_t)device - 1;
    const uint8_t *p = eb_map_read(data, PHYDAT_BYTES);
    if (p == NULL) {
        eb_fault_access(&c->out->fault, c->id, false, data, PHYDAT_BYTES);
        c->out->kind = VM_RUN_FAULT;
        c->stopped = true;
        return 0;
    }
    int32_t value = scaled((int16_t)eb_u16(p), (int8_t)p[7]);
    return sys(c, SYS_HAL_WRITE, (int32_t)(key >> 8), (int32_t)(key & 0xff), value);
}

/* ---- GPIO (0x70-0x72): port arguments are ignored (one port) ------------------------------ */

static int32_t gpio_set(call_t *c, int32_t pin, int32_t level)
{
    unsigned k = 0;
    while (k < eb.gpio_count && eb.gpio[k].key != (uint32_t)pin) {
        k++;
    }
    if (k == eb.gpio_count && k < sizeof(eb.gpio) / sizeof(eb.gpio[0])) {
        eb.gpio[eb.gpio_count++].key = (uint32_t)pin;
    }
    if (k < eb.gpio_count) {
        eb.gpio[k].value = (uint32_t)level;
    }
    sys(c, SYS_HAL_WRITE, HAL_GPIO, pin, level);
    return 0;
}

static int32_t gpio_level(int32_t pin)
{
    for (unsigned k = 0; k < eb.gpio_count; k++) {
        if (eb.gpio[k].key == (uint32_t)pin) {
            return (int32_t)eb.gpio[k].value;
        }
    }
    return 0;
}

static int32_t fc_helper(call_t *c, const int32_t a[5])
{
    switch (c->id) {
    case 0x01: {
        int32_t n = eb_printf((uint32_t)a[0], &c->out->fault, c->id);
        if (n < 0) {
            c->out->kind = VM_RUN_FAULT;
            c->stopped = true;
            return 0;
        }
        sys(c, SYS_PRINT, (int32_t)EB_HELPER_BASE, 0, 0);
        return n;
    }
    case 0x10: return store_put(&eb.local, (uint32_t)a[0], (uint32_t)a[1]);
    case 0x11: return store_put(&eb_global_store, (uint32_t)a[0], (uint32_t)a[1]);
    case 0x12:
    case 0x13: {
        const eb_store_t *s = c->id == 0x12 ? &eb.local : &eb_global_store;
        write_u32(c, (uint32_t)a[1], store_get(s, (uint32_t)a[0]));
        return 0;
    }
    case 0x20: return sys(c, SYS_TIME_MS, 0, 0, 0);
    case 0x30: return saul_find_nth(c, a[0]);
    case 0x31: {
        int32_t type = a[0] & 0xff;
        int32_t count = sys(c, SYS_HAL_PROBE, type, 0, 0);
        return count > 0 ? (type << 8) + 1 : 0;
    }
    case 0x32: return saul_read(c, a[0], (uint32_t)a[1]);
    case 0x33: return saul_write(c, a[0], (uint32_t)a[1]);
    case 0x70: return sys(c, SYS_HAL_READ, HAL_BUTTON, a[1], 0) != 0 ? 1 : 0;
    case 0x71: return gpio_set(c, a[1], a[2] != 0 ? 1 : 0);
    case 0x72: return gpio_set(c, a[1], 1 - gpio_level(a[1]));
    default: /* the verifier refused any other id */
        host_fault(c, "not implemented");
        return 0;
    }
}

bool eb_service_helper(vm_outcome_t *out)
{
    const uint8_t *ip = eb.text + eb.stop_pc * EB_INSN_BYTES;
    call_t c = { out, eb_u32(ip + 4), false };
    int32_t a[5];
    for (unsigned k = 0; k < 5; k++) {
        a[k] = (int32_t)(uint32_t)eb.r[1 + k];
    }
    int32_t result;
    if (c.id >= EB_ABI_HELPER_BASE) {
        eb.access_failed = false;
        vm_sys_result_t res = vm_host_syscall(c.id - EB_ABI_HELPER_BASE, a, &eb_view);
        switch (res.kind) {
        case VM_SYS_VALUE:
            result = res.value;
            break;
        case VM_SYS_EXIT:
            out->kind = VM_RUN_EXITED;
            out->value = res.value;
            return true;
        case VM_SYS_YIELD: /* suspends after the call, r0 = its value */
            eb.r[0] = (uint64_t)(int64_t)res.value;
            out->kind = VM_RUN_YIELDED;
            out->value = (int32_t)res.sleep_ms;
            return true;
        default:
            host_fault(&c, res.message);
            return true;
        }
    } else {
        result = fc_helper(&c, a);
        if (c.stopped) {
            return true;
        }
    }
    eb.r[0] = (uint64_t)(int64_t)result;
    return false;
}
