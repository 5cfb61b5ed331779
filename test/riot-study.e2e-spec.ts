import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { VirtualDevice } from '../devices';
import { startTestGateway, TestGateway, waitFor } from './support/gateway';
import { startDevices } from './support/ota';
import { startRiotFleet, strictApi, type RiotFleetDevice } from './support/riot-fleet';
import {
  createRiotNetwork,
  REPO_ROOT,
  requireRiotElf,
  RiotNetwork,
  riotNativeAvailable,
} from './support/riot-native';
import { hasTool, toolsRequired } from './support/system-tools';

/**
 * The reference study on RIOT: one native64 device per VM engine of firmware/riot (mips1,
 * ebpf, WAMR classic and fast, Lua, JerryScript) against the gateway over CoAP. Hostile
 * guests must end with a fault code on every engine while the device keeps answering; then
 * a campaign of both suites (coisa and embench) beside native must give every cell a figure
 * or a stated reason, and its report the VM footprint of the firmware builds. The report is
 * printed: it is the study's five tables, measured on RIOT.
 */
const FIRMWARE = join(REPO_ROOT, 'firmware');
const HOSTILE = join(__dirname, 'fixtures', 'riot-hostile');
const FOOTPRINT = join(FIRMWARE, 'riot', 'bin', 'footprint.json');

interface StudyVm {
  vm: string;
  /** The image of `name`: a built C image or a script. */
  image: (name: string) => string;
  /** Hostile guests and the fault codes that may end them. */
  hostile: Record<string, readonly string[]>;
}

const built = (dir: string, ext: string) => (name: string) =>
  join(FIRMWARE, 'build', dir, `${name}.${ext}`);
const script = (lang: string, ext: string) => (name: string) =>
  existsSync(join(FIRMWARE, lang, 'apps', `${name}.${ext}`))
    ? join(FIRMWARE, lang, 'apps', `${name}.${ext}`)
    : join(HOSTILE, `${name}.${ext}`);

// A C guest's stack runs out as stack_exhausted where the engine has a stack limit, or as
// bad_address where the stack runs below guest memory (mips1: into read-only text; wasm:
// clang's shadow stack pointer wraps). The C SDKs have no heap: deep-recursion is also their
// allocation bomb (firmware/apps/deep-recursion.c).
const C_HOSTILE = {
  spin: ['budget_exhausted'],
  'wild-store': ['bad_address'],
  'deep-recursion': ['stack_exhausted', 'bad_address'],
};
// Lua keeps its call stack in its heap, so a runaway Lua recursion runs out of memory
// before Lua's own 10^6-slot stack limit (firmware/riot/vm/lua/README.md).
const SCRIPT_HOSTILE = {
  spin: ['budget_exhausted'],
  'wild-store': ['guest_error'],
  'deep-recursion': ['stack_exhausted', 'out_of_memory'],
  'alloc-bomb': ['out_of_memory'],
};

const STUDY: readonly StudyVm[] = [
  { vm: 'mips1', image: built('mips1', 'm1'), hostile: C_HOSTILE },
  { vm: 'ebpf', image: built('ebpf', 'rbf'), hostile: C_HOSTILE },
  { vm: 'wasm', image: built('wasm', 'wasm'), hostile: C_HOSTILE },
  { vm: 'wasm-fast', image: built('wasm', 'wasm'), hostile: C_HOSTILE },
  { vm: 'lua', image: script('lua', 'lua'), hostile: SCRIPT_HOSTILE },
  { vm: 'js', image: script('js', 'js'), hostile: SCRIPT_HOSTILE },
];

/** What main may run before budget_exhausted (`vmfleet budget`) while hostile guests run,
 * and the device's default, restored before the benchmarks (installed as apps, they run). */
const HOSTILE_BUDGET = 50_000_000;
const DEFAULT_BUDGET = 20_000_000_000;

const available = riotNativeAvailable();
const elfs = new Map(available ? STUDY.map((s) => [s.vm, requireRiotElf(s.vm)] as const) : []);
const ready = available && [...elfs.values()].every((elf) => elf !== null);

/** The native baseline needs the host builds of the benchmarks (gcc). */
function buildNative(): boolean {
  if (!hasTool('gcc') || !hasTool('make')) {
    if (toolsRequired()) throw new Error('gcc and make are needed for the native baseline');
    return false;
  }
  const make = spawnSync('make', ['-C', FIRMWARE, '-s', '--no-print-directory', 'native'], {
    encoding: 'utf8',
  });
  if (make.status !== 0) throw new Error(`make -C firmware native failed:\n${make.stderr}`);
  return true;
}

(ready ? describe : describe.skip)('the reference study on RIOT native64 devices', () => {
  let gw: TestGateway;
  let net: RiotNetwork;
  let fleet: RiotFleetDevice[] = [];
  let host: VirtualDevice[] = [];
  let native = false;
  const { api, monitor } = strictApi(() => gw, 30_000);

  beforeAll(async () => {
    // Before the gateway starts: a synchronous make holding the event loop mid-test lets the
    // server close an idle keep-alive socket that fetch then reuses (ECONNRESET).
    native = buildNative();
    gw = await startTestGateway();
    net = createRiotNetwork();
    await net.startRelay({ host: '127.0.0.1', port: gw.coapPort });
    fleet = await startRiotFleet(
      gw,
      net,
      STUDY.map((s, n) => ({
        vm: s.vm,
        elf: elfs.get(s.vm)!,
        address: `fd00:dead:beef::${n + 2}`,
        tags: ['riot', 'study'],
      })),
      2000,
    );
    for (const member of fleet) {
      await waitFor(
        `${member.id} online`,
        async () => ((await api('GET', `/api/devices/${member.id}`)).online ? true : null),
        40_000,
      );
    }
  }, 300_000);

  afterAll(async () => {
    await Promise.all(host.map((d) => d.stop()));
    await net?.close();
    await gw?.stop();
  });

  afterEach(() => {
    for (const m of fleet) process.stderr.write(`--- ${m.id} (last lines)\n${m.device.tail(8)}\n`);
  });

  it('stops every hostile guest on every engine with a fault code while the device keeps answering', async () => {
    const outcomes: string[] = [];
    const wrong: string[] = [];
    for (const m of fleet) await m.device.shell(`vmfleet budget ${HOSTILE_BUDGET}`, /budget set/);
    await Promise.all(
      STUDY.map(async (study, n) => {
        const { id } = fleet[n];
        for (const [name, codes] of Object.entries(study.hostile)) {
          const image = readFileSync(study.image(name)).toString('base64');
          await monitor(id, 'load', { vm: study.vm, image });
          await monitor(id, 'start');
          const status = await waitFor(
            `${id} ${name} ended`,
            async () => {
              const s = (await monitor(id, 'status')).result;
              return s.state === 'faulted' || s.state === 'stopped' ? s : null;
            },
            90_000,
          );
          const code: string = status.lastEnd?.fault?.code ?? `(${status.lastEnd?.kind})`;
          const line = `${study.vm} ${name}: ${status.state} ${code} ${status.lastEnd?.fault?.message ?? ''}`;
          outcomes.push(line);
          if (status.state !== 'faulted' || !codes.includes(code)) {
            wrong.push(`${line} (want faulted with ${codes.join(' or ')})`);
          }
          // The device still serves the Thing Monitor.
          expect((await monitor(id, 'registers')).result).toBeDefined();
        }
      }),
    );
    for (const m of fleet) await m.device.shell(`vmfleet budget ${DEFAULT_BUDGET}`, /budget set/);
    process.stdout.write(`hostile guests on RIOT:\n${outcomes.sort().join('\n')}\n`);
    expect(wrong).toEqual([]);
    for (const member of fleet) {
      const d = await api('GET', `/api/devices/${member.id}`);
      expect({ id: member.id, online: d.online }).toEqual({ id: member.id, online: true });
    }
  }, 600_000);

  it('a campaign of both suites on every engine gives every cell a figure or a reason, with the VM footprint', async () => {
    // A RIOT device cannot run host programs: the native column comes from a virtual device
    // on this same x86-64 host that RIOT native64 runs on (gcc -O2 builds, firmware/Makefile).
    // Its own VM (micropython, which RIOT lacks here) is left out of the campaign.
    if (native) {
      host = await startDevices(gw, {
        prefix: 'host-native',
        count: 1,
        board: 'native',
        vm: 'micropython',
        tags: ['study'],
      });
    }
    if (existsSync(FOOTPRINT)) {
      await api('POST', '/api/benchmarks/footprints', JSON.parse(readFileSync(FOOTPRINT, 'utf8')));
    } else if (toolsRequired()) {
      throw new Error(`${FOOTPRINT} missing: firmware/riot/build-all.sh writes it`);
    }
    const res = await api('POST', '/api/benchmarks', {
      name: 'reference study on RIOT native64',
      suite: ['coisa', 'embench'],
      target: { tag: 'study' },
      vms: [...(native ? ['native'] : []), ...STUDY.map((s) => s.vm)],
      // Two runs per cell: a cell needs one run that passed to have its figure, so one lost
      // install does not empty it (the report marks it partial, with the problem).
      repetitions: 2,
      native,
      sequential: true,
    });
    const id = res.id as number;
    const done = await waitFor(
      'campaign finished',
      async () => {
        const c = (await gw.api('GET', `/api/benchmarks/${id}`)).body;
        return c.status !== 'running' ? c : null;
      },
      1_500_000,
    );
    const md = (await gw.api('GET', `/api/benchmarks/${id}/report?format=md`)).body as string;
    process.stdout.write(`\n${md}\n`);
    expect(done.status).toBe('completed');
    const report = (await gw.api('GET', `/api/benchmarks/${id}/report?format=json`)).body;
    const cells = report.cells as {
      suite: string;
      vm: string;
      program: string;
      emptyReason: string | null;
      issue: string | null;
      metrics: Record<string, { median: number } | null>;
    }[];
    for (const vm of STUDY.map((s) => s.vm)) {
      const mine = cells.filter((c) => c.vm === vm);
      expect({ vm, programs: mine.length }).toEqual({ vm, programs: 13 });
      for (const cell of mine) {
        // A figure, or the reason it has none (e.g. ebpf has no build of ud: signed division).
        const figure = cell.metrics.execMs !== null && cell.metrics.execMs.median > 0;
        expect({ cell: `${vm}/${cell.program}`, ok: figure || cell.emptyReason !== null }).toEqual({
          cell: `${vm}/${cell.program}`,
          ok: true,
        });
      }
    }
    // Every engine runs every program it has an image of.
    const failed = cells.filter(
      (c) => c.emptyReason !== null && !/no \S+ build of/.test(c.emptyReason),
    );
    const troubled = cells.filter((c) => c.issue !== null && !/no \S+ build of/.test(c.issue));
    if (troubled.length > 0) {
      // What the guest printed and the device's own log explain a lost run.
      const runs = (await api('GET', `/api/benchmarks/${id}/runs`)) as {
        items?: { vm: string; program: string; status: string; output?: string }[];
      };
      const bad = (vm: string, program: string) =>
        troubled.some((c) => c.vm === vm && c.program === program);
      for (const run of runs.items ?? []) {
        if (run.status === 'ok' || !bad(run.vm, run.program)) continue;
        process.stderr.write(`--- ${run.vm}/${run.program} ${run.status}:\n${run.output ?? ''}\n`);
      }
      for (const m of fleet.filter((d) => troubled.some((c) => c.vm === d.vm))) {
        const log = m.device.lines.filter((l) => !/^guest: |cmd bench|cmd status/.test(l));
        process.stderr.write(`--- ${m.id}, its log without guest output:\n${log.join('\n')}\n`);
      }
    }
    expect(failed.map((c) => `${c.vm}/${c.program}: ${c.emptyReason}`)).toEqual([]);
    if (existsSync(FOOTPRINT)) expect(md).toContain('VM footprint');
  }, 1_800_000);
});
