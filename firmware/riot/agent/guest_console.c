/*
 * The guest's console (guest-console.ts, virtual-device.ts logGuestOutput): output goes
 * to the RIOT console a line at a time as "guest: <line>", so it reads apart from the
 * agent's own logs, and the last HAL_CONSOLE_BYTES stay in a ring for diagnostics. In
 * bench mode it goes to the bench's buffer instead, and the `check:` line is judged as
 * bench-runner.ts selfCheck does: the last line starting "check:" decides, ok only when
 * it reads "check: ok" once trimmed.
 *
 * Only the VM thread writes here (syscalls); hal_console_tail may race a write and then
 * returns a slightly torn tail, which is harmless for a diagnostic.
 */
#include <stdio.h>
#include <string.h>

#include "hal.h"

/* A guest that never prints a newline is still shown, a console line at a time. */
#define LINE_BYTES 128
/* Enough of a line to tell "check: ok" (plus trailing blanks) from anything else. */
#define CHECK_BYTES 24

static char ring[HAL_CONSOLE_BYTES];
static size_t ring_end, ring_fill;
static char line[LINE_BYTES];
static size_t line_len;

static struct {
    char *buf;
    size_t cap, len;
    char line[CHECK_BYTES];
    size_t line_len; /* may exceed CHECK_BYTES: then the line is not "check: ok" */
    const char *check;
    bool on;
} bench;

static void flush_line(void)
{
    printf("guest: %.*s\n", (int)line_len, line);
    line_len = 0;
}

static void to_stdout(const char *text, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        ring[ring_end] = text[i];
        ring_end = (ring_end + 1) % HAL_CONSOLE_BYTES;
        if (ring_fill < HAL_CONSOLE_BYTES) {
            ring_fill++;
        }
        if (text[i] == '\n') {
            flush_line();
            continue;
        }
        line[line_len++] = text[i];
        if (line_len == LINE_BYTES) {
            flush_line();
        }
    }
}

static bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

static void judge_line(void)
{
    size_t n = bench.line_len < CHECK_BYTES ? bench.line_len : CHECK_BYTES;
    if (n < 6 || memcmp(bench.line, "check:", 6) != 0) {
        return;
    }
    while (n > 0 && is_blank(bench.line[n - 1])) {
        n--;
    }
    bool ok = bench.line_len <= CHECK_BYTES && n == 9 && memcmp(bench.line, "check: ok", 9) == 0;
    bench.check = ok ? "ok" : "fail";
}

static void to_bench(const char *text, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        if (bench.len < bench.cap) {
            bench.buf[bench.len++] = text[i];
        }
        if (text[i] == '\n') {
            judge_line();
            bench.line_len = 0;
            continue;
        }
        if (bench.line_len < CHECK_BYTES) {
            bench.line[bench.line_len] = text[i];
        }
        bench.line_len++;
    }
}

void guest_console_write(const char *text, size_t len)
{
    if (bench.on) {
        to_bench(text, len);
    }
    else {
        to_stdout(text, len);
    }
}

bool guest_console_benching(void) { return bench.on; }

void hal_bench_begin(char *buf, size_t cap)
{
    memset(&bench, 0, sizeof(bench));
    bench.buf = buf;
    bench.cap = cap;
    bench.check = "absent";
    bench.on = true;
    hal_bench_clock_reset();
}

size_t hal_bench_end(const char **check)
{
    judge_line(); /* a last line without its newline counts too */
    bench.on = false;
    *check = bench.check;
    return bench.len;
}

size_t hal_console_tail(char *dst, size_t len)
{
    size_t n = ring_fill < len ? ring_fill : len;
    size_t start = (ring_end + HAL_CONSOLE_BYTES - n) % HAL_CONSOLE_BYTES;
    for (size_t i = 0; i < n; i++) {
        dst[i] = ring[(start + i) % HAL_CONSOLE_BYTES];
    }
    return n;
}
