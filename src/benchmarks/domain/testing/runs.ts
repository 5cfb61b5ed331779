import { BENCH_VM_ORDER, suitePrograms, type CampaignMeta, type RunRecord } from '../results';

/** Test fixtures: benchmark runs shaped like a real campaign's. */

const T0 = Date.UTC(2025, 4, 1, 10, 0, 0);

export function run(over: Partial<RunRecord> = {}): RunRecord {
  return {
    campaignId: 7,
    deviceId: 'd-1',
    board: 'nrf52840',
    program: 'fibonacci',
    suite: 'coisa',
    vm: 'mips1',
    engineVersion: '0.4.0',
    repetition: 1,
    status: 'ok',
    reason: null,
    codeBytes: 1204,
    flashBytes: 38_912,
    ramBytes: 9_216,
    loadMs: 1.9,
    execMs: 45,
    instructions: 2_100_000,
    at: T0,
    ...over,
  };
}

type Measures = Pick<RunRecord, 'codeBytes' | 'flashBytes' | 'ramBytes' | 'loadMs' | 'execMs'>;

/** Per repetition: the exec times; the other metrics do not vary between runs. */
function reps(
  base: Partial<RunRecord>,
  measures: Measures,
  execMs: readonly number[],
): RunRecord[] {
  return execMs.map((ms, i) =>
    run({ ...base, ...measures, execMs: ms, repetition: i + 1, at: T0 + i * 1000 }),
  );
}

const NATIVE = { vm: 'native', engineVersion: 'gcc-12.2' };
const MIPS1 = { vm: 'mips1', engineVersion: '0.4.0' };
const EBPF = { vm: 'ebpf', engineVersion: '0.2.1' };
const FIB = { program: 'fibonacci', suite: 'coisa' } as const;
const CRC = { program: 'crc32', suite: 'embench' } as const;

/**
 * 3 repetitions × 2 programs (fibonacci, crc32) × 3 VMs (native, mips1, ebpf); ebpf has
 * no crc32 image, so that cell is skipped. Native reports no load time.
 */
export function smallCampaign(): RunRecord[] {
  const native = { codeBytes: 412, flashBytes: 21_504, ramBytes: 1_100, loadMs: null };
  return [
    ...reps({ ...FIB, ...NATIVE }, { ...native, execMs: 0 }, [0.8, 0.82, 0.79]),
    ...reps({ ...FIB, ...MIPS1 }, mips1Measures(1204, 1.9), [45, 47, 46]),
    ...reps({ ...FIB, ...EBPF }, ebpfMeasures(980, 0.6), [31, 30, 33]),
    ...reps({ ...CRC, ...NATIVE }, { ...native, codeBytes: 520, execMs: 0 }, [1.2, 1.25, 1.3]),
    ...reps({ ...CRC, ...MIPS1 }, mips1Measures(1610, 2.4), [95, 97, 96]),
    ...[1, 2, 3].map((repetition) =>
      run({
        ...CRC,
        ...EBPF,
        repetition,
        status: 'skipped',
        reason: 'needs eBPF ISA v4 signed division',
        ...nothingMeasured(),
      }),
    ),
  ];
}

function mips1Measures(codeBytes: number, loadMs: number): Measures {
  return { codeBytes, flashBytes: 38_912 + codeBytes, ramBytes: 9_216, loadMs, execMs: 0 };
}

function ebpfMeasures(codeBytes: number, loadMs: number): Measures {
  return { codeBytes, flashBytes: 29_696 + codeBytes, ramBytes: 4_608, loadMs, execMs: 0 };
}

export function nothingMeasured(): Measures & Pick<RunRecord, 'instructions'> {
  return {
    codeBytes: null,
    flashBytes: null,
    ramBytes: null,
    loadMs: null,
    execMs: null,
    instructions: null,
  };
}

/** Slowdowns over native that look like the reference experiment's; the fleet's VMs. */
const SLOWDOWN: Readonly<Record<string, number>> = {
  native: 1,
  mips1: 40,
  ebpf: 30,
  wasm: 60,
  'wasm-fast': 25,
  lua: 180,
  micropython: 240,
  js: 320,
};

/**
 * Every program of both suites on every VM, 3 repetitions, deterministic jitter; device
 * d-3 (js) was offline and micropython has no xgboost image.
 */
export function fleetCampaign(campaignId = 7): RunRecord[] {
  let seed = 1;
  const jitter = () => 1 + (((seed = (seed * 16807) % 2147483647) % 1000) - 500) / 10_000;
  return suitePrograms().flatMap(({ suite, program }, p) =>
    BENCH_VM_ORDER.filter((vm) => vm in SLOWDOWN).flatMap((vm, v) =>
      [1, 2, 3].map((repetition): RunRecord => {
        const base = { campaignId, suite, program, vm, repetition, deviceId: `d-${v % 3}` };
        if (vm === 'js') {
          return run({
            ...base,
            status: 'missing',
            reason: 'device d-3 offline',
            ...nothingMeasured(),
          });
        }
        if (vm === 'micropython' && program === 'xgboost') {
          return run({
            ...base,
            status: 'skipped',
            reason: 'model does not fit in 256 KiB RAM',
            ...nothingMeasured(),
          });
        }
        const nativeMs = 0.5 + p * 0.9;
        return run({
          ...base,
          codeBytes: Math.round((600 + p * 150) * (vm === 'native' ? 0.7 : 1 + v / 4)),
          flashBytes: vm === 'native' ? 18_000 + p * 400 : 30_000 + v * 24_000,
          ramBytes: 1_024 + v * 6_000 + p * 64,
          loadMs: vm === 'native' ? null : 0.4 + v * 0.8,
          execMs: nativeMs * SLOWDOWN[vm] * jitter(),
          instructions: vm === 'native' ? null : Math.round(nativeMs * 64_000),
        });
      }),
    ),
  );
}

export function campaignMeta(over: Partial<CampaignMeta> = {}): CampaignMeta {
  return {
    id: 7,
    name: 'nightly',
    suites: ['coisa', 'embench'],
    vms: ['native', 'mips1', 'ebpf'],
    devices: ['d-1'],
    repetitions: 3,
    createdAt: T0,
    finishedAt: T0 + 42 * 60_000 + 13_000,
    ...over,
  };
}
