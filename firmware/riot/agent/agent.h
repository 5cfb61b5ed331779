#ifndef VMFLEET_AGENT_H
#define VMFLEET_AGENT_H
#include "shell.h"
void agent_start(void);
extern const shell_command_t agent_shell_commands[];
#endif
