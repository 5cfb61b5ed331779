/*
 * `vmfleet` in the RIOT shell: provisioning (device id, token, gateway, manifest key,
 * the device's own IPv6 address) and a status line. `vmfleet devices add … --riot` on the
 * gateway side prints these lines for a device.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fmt.h"
#include "net/gnrc/netif.h"
#include "net/ipv6/addr.h"
#include "net/sock/util.h"

#include "agent.h"
#include "runner.h"

static int _usage(void)
{
    puts("usage: vmfleet id <device-id> | token <token> | gw <[ipv6]:port> | key <64 hex>\n"
         "       vmfleet addr <ipv6>/<prefix> | telemetry <ms> | budget <instructions>\n"
         "       vmfleet start | status");
    return 1;
}

int agent_add_address(const char *arg)
{
    char buf[IPV6_ADDR_MAX_STR_LEN + 4];
    strncpy(buf, arg, sizeof(buf) - 1);
    buf[sizeof(buf) - 1] = '\0';
    char *slash = strchr(buf, '/');
    unsigned prefix = 64;
    if (slash) {
        *slash = '\0';
        prefix = atoi(slash + 1);
    }
    ipv6_addr_t addr;
    gnrc_netif_t *netif = gnrc_netif_iter(NULL);
    if (!netif || !ipv6_addr_from_str(&addr, buf)) {
        puts("vmfleet: no interface, or not an IPv6 address");
        return -1;
    }
    if (gnrc_netif_ipv6_addr_add(netif, &addr, prefix, GNRC_NETIF_IPV6_ADDRS_FLAGS_STATE_VALID) < 0) {
        puts("vmfleet: could not add the address");
        return -1;
    }
    printf("vmfleet: address %s/%u\n", buf, prefix);
    return 0;
}

static int _set(agent_config_t *cfg, const char *what, const char *arg)
{
    if (!strcmp(what, "id")) {
        strncpy(cfg->id, arg, sizeof(cfg->id) - 1);
    }
    else if (!strcmp(what, "token")) {
        strncpy(cfg->token, arg, sizeof(cfg->token) - 1);
    }
    else if (!strcmp(what, "gw")) {
        if (strlen(arg) >= sizeof(cfg->gateway_str) || sock_udp_name2ep(&cfg->gateway, arg) < 0) {
            puts("vmfleet: gateway must be [ipv6]:port");
            return 1;
        }
        strcpy(cfg->gateway_str, arg);
        cfg->has_gateway = true;
    }
    else if (!strcmp(what, "key")) {
        if (strlen(arg) != 64 || fmt_hex_bytes(cfg->key, arg) != 32) {
            puts("vmfleet: key must be 64 hex digits (the raw Ed25519 key)");
            return 1;
        }
        cfg->has_key = true;
    }
    else if (!strcmp(what, "telemetry")) {
        cfg->telemetry_ms = atoi(arg) < 500 ? 500 : atoi(arg);
    }
    else if (!strcmp(what, "budget")) {
        /* Not saved: a cap for this boot, e.g. while trying out an untrusted guest. */
        unsigned long long n = strtoull(arg, NULL, 10);
        if (n == 0) {
            puts("vmfleet: budget must be a positive number of instructions");
            return 1;
        }
        runner_set_main_budget(n);
    }
    else if (!strcmp(what, "addr")) {
        if (strlen(arg) >= sizeof(cfg->address_str) || agent_add_address(arg) != 0) {
            return 1;
        }
        strcpy(cfg->address_str, arg);
        return 0;
    }
    else {
        return _usage();
    }
    printf("vmfleet: %s set\n", what);
    return 0;
}

static int _status(void)
{
    const agent_config_t *cfg = agent_config();
    runner_status_t st;
    runner_status(&st);
    printf("vmfleet: id=%s vm=%s key=%s agent=%s vm-state=%s app=%s@%s instructions=%lu\n",
           cfg->id[0] ? cfg->id : "-", vm_engine.kind, cfg->has_key ? "yes" : "no",
           agent_online() ? "online" : agent_running() ? "connecting" : "stopped",
           program_state_name(st.state), st.app_id[0] ? st.app_id : "-",
           st.app_version[0] ? st.app_version : "-", (unsigned long)st.total_instructions);
    return 0;
}

static int _vmfleet(int argc, char **argv)
{
    agent_config_t *cfg = agent_config_mut();
    if (argc == 3) {
        return _set(cfg, argv[1], argv[2]);
    }
    if (argc == 2 && !strcmp(argv[1], "start")) {
        if (!cfg->id[0] || !cfg->token[0] || !cfg->has_gateway) {
            puts("vmfleet: set id, token and gw first");
            return 1;
        }
        agent_save_config();
        agent_connect();
        puts("vmfleet: agent started");
        return 0;
    }
    if (argc == 2 && !strcmp(argv[1], "status")) {
        return _status();
    }
    return _usage();
}

const shell_command_t agent_shell_commands[] = {
    { "vmfleet", "provision and inspect the vmfleet agent", _vmfleet },
    { NULL, NULL, NULL },
};
