/* The agent's side of runner.h for the test: print what comes and count it. */
#include <stdio.h>
#include <string.h>

#include "stubs.h"

stub_log_t stub_log;

void agent_on_publish(const char *name, int32_t value)
{
    printf("agent: publish %s = %ld\n", name, (long)value);
    strncpy(stub_log.last_name, name, sizeof(stub_log.last_name) - 1);
    stub_log.last_publish = value;
    stub_log.publishes++;
}

void agent_on_emit(uint16_t event, int32_t value)
{
    printf("agent: emit %u = %ld\n", (unsigned)event, (long)value);
    stub_log.last_emit_event = event;
    stub_log.last_emit_value = value;
    stub_log.emits++;
}

void agent_on_vm_state(program_state_t state, const run_end_t *end)
{
    printf("agent: vm %s", program_state_name(state));
    if (end && end->exited) {
        printf(" (exit %ld)", (long)end->exit_code);
    }
    else if (end && end->stopped) {
        printf(" (stopped)");
    }
    else if (end) {
        printf(" (%s: %s)", end->fault.code, end->fault.message);
    }
    putchar('\n');
    stub_log.last_state = state;
    stub_log.states++;
}
