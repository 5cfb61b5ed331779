/* What the runner told the "agent" (stubs.c): counted for the cases, printed for a reader. */
#ifndef RUNNER_TEST_STUBS_H
#define RUNNER_TEST_STUBS_H

#include <stdint.h>

#include "runner.h"

typedef struct {
    volatile unsigned publishes, emits, states;
    volatile int32_t last_publish, last_emit_value;
    volatile uint16_t last_emit_event;
    volatile program_state_t last_state;
    char last_name[33];
} stub_log_t;

extern stub_log_t stub_log;

#endif
