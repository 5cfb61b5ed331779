import { orderVms } from '../../protocol/bench-catalog';
import { BASELINE_VM } from './footprint-file';

export { BASELINE_VM } from './footprint-file';

/** One stored firmware build: the ELF's sections of one VM on one board. */
export interface FootprintBuild {
  board: string;
  /** A VmKind, or `none` for the baseline (the agent alone). */
  vm: string;
  textBytes: number;
  dataBytes: number;
  bssBytes: number;
  /** RIOT's commit the build came from. */
  riot: string;
  /** Unix ms. */
  builtAt: number;
  /** Unix ms: when the gateway received it. */
  uploadedAt: number;
}

/** The newest OS heap/stack figures of one device (telemetry `os`, docs/protocol.md §5.3). */
export interface OsSnapshot {
  deviceId: string;
  board: string;
  vm: string;
  heapPeak: number | null;
  stackUsed: number | null;
  /** Unix ms of the sample. */
  at: number;
}

/** The largest heap + stack high-water mark among the devices of one VM on one board. */
export interface RuntimePeak {
  /** heapPeak + stackUsed of the device with the largest sum. */
  bytes: number;
  heapPeakBytes: number | null;
  stackUsedBytes: number | null;
  deviceId: string;
  /** Devices of this VM and board that sent os telemetry. */
  devices: number;
}

export interface FootprintRow {
  vm: string;
  riot: string;
  builtAt: number;
  textBytes: number;
  dataBytes: number;
  bssBytes: number;
  /** What flash holds: text + data (data's initial values live in ROM). */
  romBytes: number;
  /** romBytes − the baseline's; 0 for the baseline, null when the board has none. */
  romOverBaseline: number | null;
  /** What RAM holds before anything runs: data + bss. */
  staticRamBytes: number;
  staticRamOverBaseline: number | null;
  /** null: no device of this VM on this board has reported os telemetry. */
  runtimePeak: RuntimePeak | null;
}

export interface BoardFootprint {
  board: string;
  /** The VM=none build's RIOT commit; null when the board has no baseline build. */
  baselineRiot: string | null;
  /** The baseline first, then the VMs in report column order (BENCH_VM_ORDER). */
  rows: FootprintRow[];
}

/**
 * The footprint table of each board: ROM and static RAM of every VM build, and their
 * excess over the board's VM=none build, so the VM's own share shows (as the reference
 * study measured it on RIOT), plus the runtime peak the board's devices report.
 */
export function footprintTables(
  builds: readonly FootprintBuild[],
  snapshots: readonly OsSnapshot[] = [],
  boards: readonly string[] = distinct(builds.map((b) => b.board)).sort(),
): BoardFootprint[] {
  return boards.flatMap((board) => {
    const own = builds.filter((b) => b.board === board);
    if (own.length === 0) return [];
    const baseline = own.find((b) => b.vm === BASELINE_VM) ?? null;
    const rows = orderFootprintVms(own.map((b) => b.vm)).map((vm) => {
      const build = own.find((b) => b.vm === vm)!;
      return footprintRow(build, baseline, runtimePeak(snapshots, board, vm));
    });
    return [{ board, baselineRiot: baseline?.riot ?? null, rows }];
  });
}

/**
 * The boards a campaign's report shows: those of its devices that have stored builds, in
 * the order given, then every other board with stored builds: a campaign on native64
 * devices still shows what the same firmware costs on a real board (the study's figures
 * are the nRF52840's), and virtual devices' boards have no firmware to measure.
 */
export function footprintBoards(
  campaignBoards: readonly string[],
  builds: readonly FootprintBuild[],
): string[] {
  const stored = distinct(builds.map((b) => b.board));
  const own = distinct(campaignBoards).filter((board) => stored.includes(board));
  return [...own, ...stored.filter((board) => !own.includes(board)).sort()];
}

/** The baseline first, then BENCH_VM_ORDER, then the rest alphabetically. */
export function orderFootprintVms(vms: Iterable<string>): string[] {
  const all = [...new Set(vms)];
  const rest = orderVms(all.filter((vm) => vm !== BASELINE_VM));
  return all.includes(BASELINE_VM) ? [BASELINE_VM, ...rest] : rest;
}

function footprintRow(
  build: FootprintBuild,
  baseline: FootprintBuild | null,
  peak: RuntimePeak | null,
): FootprintRow {
  const rom = romOf(build);
  const ram = staticRamOf(build);
  return {
    vm: build.vm,
    riot: build.riot,
    builtAt: build.builtAt,
    textBytes: build.textBytes,
    dataBytes: build.dataBytes,
    bssBytes: build.bssBytes,
    romBytes: rom,
    romOverBaseline: baseline === null ? null : rom - romOf(baseline),
    staticRamBytes: ram,
    staticRamOverBaseline: baseline === null ? null : ram - staticRamOf(baseline),
    runtimePeak: peak,
  };
}

/**
 * The device (of `vm` on `board`) whose latest heap peak + stack used is largest. A device
 * that reports only one of the two counts with that one; one that reports neither, not at all.
 */
export function runtimePeak(
  snapshots: readonly OsSnapshot[],
  board: string,
  vm: string,
): RuntimePeak | null {
  const reporting = snapshots.filter(
    (s) => s.board === board && s.vm === vm && (s.heapPeak !== null || s.stackUsed !== null),
  );
  let best: RuntimePeak | null = null;
  for (const s of reporting) {
    const bytes = (s.heapPeak ?? 0) + (s.stackUsed ?? 0);
    if (best === null || bytes > best.bytes) {
      best = {
        bytes,
        heapPeakBytes: s.heapPeak,
        stackUsedBytes: s.stackUsed,
        deviceId: s.deviceId,
        devices: reporting.length,
      };
    }
  }
  return best;
}

function romOf(b: FootprintBuild): number {
  return b.textBytes + b.dataBytes;
}

function staticRamOf(b: FootprintBuild): number {
  return b.dataBytes + b.bssBytes;
}

function distinct<T>(items: readonly T[]): T[] {
  return [...new Set(items)];
}
