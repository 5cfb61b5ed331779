#include <stdio.h>
#include "agent.h"
void agent_start(void) {}
const shell_command_t agent_shell_commands[] = { { NULL, NULL, NULL } };
