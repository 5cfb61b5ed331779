/*
 * The Event Handler's tables and queue (see event_handler.h). Static storage only: about
 * 16·8 + 8·28 + 64·8 bytes, so a board knows its cost at link time.
 */
#include <stddef.h>

#include "event_handler.h"

typedef struct {
    int32_t event;
    uint32_t handler;
} raw_entry_t;

typedef struct {
    eh_condition_t condition;
    uint32_t handler;
    uint32_t due_ms;
} watch_t;

static raw_entry_t raw[EH_MAX_RAW_HANDLERS];
static unsigned raw_count;
static watch_t watches[EH_MAX_CONDITIONS];
static unsigned watch_count;

/* A ring: head is the oldest event, count how many follow it. */
static eh_event_t queue[EH_MAX_QUEUED];
static unsigned head, count;
static uint32_t dropped;

bool eh_has_handlers(void) { return raw_count > 0 || watch_count > 0; }
unsigned eh_pending(void) { return count; }
uint32_t eh_dropped(void) { return dropped; }

static raw_entry_t *find_raw(int32_t event)
{
    for (unsigned i = 0; i < raw_count; i++) {
        if (raw[i].event == event) {
            return &raw[i];
        }
    }
    return NULL;
}

bool eh_on_raw(int32_t event, uint32_t handler)
{
    raw_entry_t *entry = find_raw(event);
    if (entry == NULL) {
        if (raw_count >= EH_MAX_RAW_HANDLERS) {
            return false;
        }
        entry = &raw[raw_count++];
        entry->event = event;
    }
    entry->handler = handler;
    return true;
}

bool eh_on_condition(const eh_condition_t *condition, uint32_t handler, uint32_t now_ms)
{
    if (watch_count >= EH_MAX_CONDITIONS || condition->period_ms < EH_MIN_PERIOD_MS
        || condition->op < 0 || condition->op >= EH_OP_COUNT) {
        return false;
    }
    watch_t *w = &watches[watch_count++];
    w->condition = *condition;
    w->handler = handler;
    w->due_ms = now_ms + (uint32_t)condition->period_ms;
    return true;
}

static bool enqueue(uint32_t handler, int32_t value)
{
    if (count >= EH_MAX_QUEUED) {
        dropped++;
        return false;
    }
    queue[(head + count) % EH_MAX_QUEUED] = (eh_event_t){ .handler = handler, .value = value };
    count++;
    return true;
}

int eh_inject(int32_t event, int32_t value)
{
    const raw_entry_t *entry = find_raw(event);
    if (entry == NULL) {
        return 0;
    }
    return enqueue(entry->handler, value) ? 1 : -1;
}

static bool holds(int32_t op, int32_t value, int32_t threshold)
{
    switch (op) {
    case EH_OP_LT: return value < threshold;
    case EH_OP_LE: return value <= threshold;
    case EH_OP_GT: return value > threshold;
    default: return value >= threshold;
    }
}

/* Signed difference, so a due time works across the 49-day wrap of a uint32 ms clock. */
static bool is_due(uint32_t now_ms, uint32_t due_ms) { return (int32_t)(now_ms - due_ms) >= 0; }

void eh_poll(uint32_t now_ms, eh_read_fn read)
{
    for (unsigned i = 0; i < watch_count; i++) {
        watch_t *w = &watches[i];
        if (!is_due(now_ms, w->due_ms)) {
            continue;
        }
        w->due_ms = now_ms + (uint32_t)w->condition.period_ms;
        int32_t value;
        if (read(w->condition.sensor_type, w->condition.index, now_ms, &value)
            && holds(w->condition.op, value, w->condition.threshold)) {
            enqueue(w->handler, value);
        }
    }
}

bool eh_next_due(uint32_t *due_ms)
{
    for (unsigned i = 0; i < watch_count; i++) {
        if (i == 0 || (int32_t)(watches[i].due_ms - *due_ms) < 0) {
            *due_ms = watches[i].due_ms;
        }
    }
    return watch_count > 0;
}

bool eh_next(eh_event_t *out)
{
    if (count == 0) {
        return false;
    }
    *out = queue[head];
    head = (head + 1) % EH_MAX_QUEUED;
    count--;
    return true;
}

void eh_clear(void)
{
    raw_count = 0;
    watch_count = 0;
    head = 0;
    count = 0;
}
