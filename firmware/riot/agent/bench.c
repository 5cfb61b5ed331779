/*
 * The Thing Monitor op `bench` (docs/protocol.md §9.2, docs/benchmarks.md): one measured
 * run of the installed app, answered with benchResultSchema (src/protocol/monitor.ts).
 * There is no host build on a RIOT device, so `native` is refused as unsupported.
 */
#include <stdio.h>
#include <string.h>

#include "agent.h"
#include "runner.h"
#include "slots.h"
#include "uplink.h"

#define FLASH_PAGE 4096

void monitor_bench(const char *id, size_t id_len)
{
    static runner_bench_t run;
    int slot = slots_active();
    if (slot < 0) {
        uplink_reply_error(id, id_len, "no_app", "no app installed to benchmark");
        return;
    }
    const slot_t *s = slots_get(slot);
    if (runner_bench(slots_data(slot), s->manifest.size, &run) < 0) {
        uplink_reply_error(id, id_len, "bad_state", "the engine could not run the app");
        return;
    }
    char program[MANIFEST_NAME_MAX + MANIFEST_VERSION_MAX + 2];
    snprintf(program, sizeof(program), "%s@%s", s->manifest.name, s->manifest.version);
    char fault[VM_FAULT_MESSAGE_BYTES + 40];
    bool faulted = !strcmp(run.end, "fault");
    if (faulted) {
        snprintf(fault, sizeof(fault), "%s at pc 0x%lx: %s", run.fault.code,
                 (unsigned long)run.fault.pc, run.fault.message);
    }
    cbor_writer_t *w = uplink_begin();
    cbor_put_map(w, 3);
    cbor_put_text(w, "id");
    cbor_put_text_n(w, id, id_len);
    cbor_put_text(w, "ok");
    cbor_put_bool(w, true);
    cbor_put_text(w, "result");
    cbor_put_map(w, 15);
    cbor_put_text(w, "vm");
    cbor_put_text(w, vm_engine.kind);
    cbor_put_text(w, "engineVersion");
    cbor_put_text(w, vm_engine.version);
    cbor_put_text(w, "board");
    cbor_put_text(w, agent_config()->board);
    cbor_put_text(w, "program");
    cbor_put_text(w, program);
    cbor_put_text(w, "loadMs");
    cbor_put_double(w, run.load_us / 1000.0);
    cbor_put_text(w, "execMs");
    cbor_put_double(w, run.exec_us / 1000.0);
    cbor_put_text(w, "instructions");
    cbor_put_uint(w, run.instructions);
    cbor_put_text(w, "ramBytes");
    cbor_put_uint(w, run.ram_bytes);
    cbor_put_text(w, "codeBytes");
    cbor_put_uint(w, run.code_bytes ? run.code_bytes : s->manifest.size);
    cbor_put_text(w, "flashBytes");
    cbor_put_uint(w, (s->manifest.size + FLASH_PAGE - 1) / FLASH_PAGE * FLASH_PAGE);
    cbor_put_text(w, "end");
    cbor_put_text(w, run.end);
    cbor_put_text(w, "exitCode");
    if (!strcmp(run.end, "exit")) {
        cbor_put_int(w, run.exit_code);
    }
    else {
        cbor_put_null(w);
    }
    cbor_put_text(w, "fault");
    if (faulted) {
        cbor_put_text(w, fault);
    }
    else {
        cbor_put_null(w);
    }
    cbor_put_text(w, "check");
    cbor_put_text(w, run.check);
    cbor_put_text(w, "output");
    cbor_put_text_n(w, run.output, run.output_len);
    uplink_send("reply");
}
