/*
 * The vmfleet agent: the device side of protocol v1 over CoAP (docs/protocol.md §11) on
 * RIOT. It registers with the gateway, observes /v1/down, sends telemetry, serves Thing
 * Monitor commands (monitor.c) and OTA updates (ota.c), and forwards what the guest
 * publishes. Configured at build time (VMFLEET_DEVICE_ID, …) or from the RIOT shell.
 */
#ifndef VMFLEET_AGENT_H
#define VMFLEET_AGENT_H

#include <stdbool.h>
#include <stdint.h>

#include "net/sock/udp.h"
#include "shell.h"

/* RAM the agent itself reports as available beside guest RAM (heap + stacks), for
 * telemetry's ram.total. */
#ifndef AGENT_RAM_BYTES
#define AGENT_RAM_BYTES (64 * 1024)
#endif

typedef struct {
    char id[65];
    char token[129];
    char board[33];
    sock_udp_ep_t gateway;
    bool has_gateway;
    char gateway_str[64];  /* as given: "[addr]:port" */
    char address_str[48];  /* the device's own "addr/prefix", or "" */
    uint8_t key[32];       /* the gateway's Ed25519 manifest key (GET /api/signing-key) */
    bool has_key;
    uint32_t clock_hz;
    uint32_t telemetry_ms;
    uint32_t lifetime_s;
} agent_config_t;

void agent_start(void);
/** Starts the agent thread once the configuration is complete (idempotent). */
void agent_connect(void);
bool agent_running(void);
bool agent_online(void);
const agent_config_t *agent_config(void);
agent_config_t *agent_config_mut(void);
/** A request was answered with a 4.xx/5.xx code: 4.01 means register again. */
void agent_on_refusal(unsigned code);
/** Asks the agent thread to run `ota_poll()` soon (the VM thread saw a state change). */
void agent_wake(void);

/** Adds "addr/prefix" to the network interface. 0, or negative with a message printed. */
int agent_add_address(const char *cidr);
/** Keeps the provisioning in flash: the next boot starts the agent by itself. */
void agent_save_config(void);

extern const shell_command_t agent_shell_commands[];

#endif /* VMFLEET_AGENT_H */
