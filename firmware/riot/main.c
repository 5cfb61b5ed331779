/*
 * vmfleet device firmware: the RIOT shell on the console, the agent in its own thread.
 */
#include <stdio.h>

#include "shell.h"
#include "agent.h"

int main(void)
{
    puts("vmfleet device, VM " VMFLEET_VM_KIND);
    agent_start();
    char line_buf[SHELL_DEFAULT_BUFSIZE];
    shell_run(agent_shell_commands, line_buf, SHELL_DEFAULT_BUFSIZE);
    return 0;
}
