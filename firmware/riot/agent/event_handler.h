/*
 * The device's Event Handler (docs/guest-abi.md, after COISA; the C form of
 * devices/runtime/event-handler.ts): main registers handlers for raw events and for
 * sensor conditions; once main returns the VM serves the queue one handler at a time.
 *
 * Not thread-safe on its own: the runner calls it with its state lock held. Time is
 * passed in (ms since the program was loaded or reset), so it stays deterministic.
 */
#ifndef VMFLEET_EVENT_HANDLER_H
#define VMFLEET_EVENT_HANDLER_H

#include <stdbool.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define EH_MAX_RAW_HANDLERS 16
#define EH_MAX_CONDITIONS 8
#define EH_MAX_QUEUED 64
#define EH_MIN_PERIOD_MS 10

typedef enum { EH_OP_LT, EH_OP_LE, EH_OP_GT, EH_OP_GE, EH_OP_COUNT } eh_op_t;

/** The guest's struct eh_condition (20 bytes, five little-endian int32). */
typedef struct {
    int32_t sensor_type;
    int32_t index;
    int32_t op;
    int32_t threshold;
    int32_t period_ms;
} eh_condition_t;

typedef struct {
    uint32_t handler; /* guest address (wasm: table index) */
    int32_t value;
} eh_event_t;

/** Reads a sensor for a condition: false when there is no such sensor. */
typedef bool (*eh_read_fn)(int32_t type, int32_t index, uint32_t now_ms, int32_t *value);

bool eh_has_handlers(void);
unsigned eh_pending(void);
/** Events dropped because the queue was full, since boot. */
uint32_t eh_dropped(void);
/** Registers (or replaces) the handler of a raw event id; false when the table is full. */
bool eh_on_raw(int32_t event, uint32_t handler);
/** false when the table is full, the op is unknown or the period below EH_MIN_PERIOD_MS. */
bool eh_on_condition(const eh_condition_t *condition, uint32_t handler, uint32_t now_ms);
/** A raw event arrived: 1 queued, 0 nobody handles it, -1 the queue is full (dropped). */
int eh_inject(int32_t event, int32_t value);
/** Checks the conditions that are due and queues the handlers of those that hold. */
void eh_poll(uint32_t now_ms, eh_read_fn read);
/** When the next condition is due; false when there are none. */
bool eh_next_due(uint32_t *due_ms);
/** Takes the oldest queued event; false when the queue is empty. */
bool eh_next(eh_event_t *out);
/** Forgets every handler, condition and queued event (reset, a new program). */
void eh_clear(void);

#ifdef __cplusplus
}
#endif

#endif /* VMFLEET_EVENT_HANDLER_H */
