import type { FootprintBuild, OsSnapshot } from '../footprint';
import type { FootprintFile } from '../footprint-file';

/** Test fixtures: footprints as firmware/riot/build-all.sh measures them. */

export const RIOT = 'e64f19884e24733a35a26d6accefabfcd35afb74';
const BUILT = '2026-12-03T15:16:29.875Z';
const UPLOADED = Date.UTC(2026, 11, 3, 16, 0, 0);

type Sections = Pick<FootprintBuild, 'textBytes' | 'dataBytes' | 'bssBytes'>;

const NATIVE64: Record<string, Sections> = {
  none: { textBytes: 273_376, dataBytes: 10_744, bssBytes: 401_936 },
  mips1: { textBytes: 293_921, dataBytes: 11_064, bssBytes: 468_688 },
  wasm: { textBytes: 401_200, dataBytes: 12_100, bssBytes: 480_000 },
};
const FEATHER: Record<string, Sections> = {
  none: { textBytes: 98_304, dataBytes: 1_024, bssBytes: 40_960 },
  ebpf: { textBytes: 104_448, dataBytes: 1_056, bssBytes: 43_008 },
  mips1: { textBytes: 106_496, dataBytes: 1_088, bssBytes: 73_728 },
};
export const FEATHER_BOARD = 'adafruit-feather-nrf52840-sense';

export function footprintFile(): FootprintFile {
  const entries = [
    ...Object.entries(NATIVE64).map(([vm, s]) => ({ vm, board: 'native64', ...s })),
    ...Object.entries(FEATHER).map(([vm, s]) => ({ vm, board: FEATHER_BOARD, ...s })),
  ];
  return {
    schema: 'vmfleet-footprint/1',
    builds: entries.map(
      (e) => ({ ...e, riot: RIOT, builtAt: BUILT }) as FootprintFile['builds'][0],
    ),
  };
}

/** The fixture file as stored. */
export function storedBuilds(): FootprintBuild[] {
  return footprintFile().builds.map((b) => ({
    ...b,
    builtAt: Date.parse(b.builtAt),
    uploadedAt: UPLOADED,
  }));
}

export function snapshot(over: Partial<OsSnapshot> = {}): OsSnapshot {
  return {
    deviceId: 'riot-1',
    board: 'native64',
    vm: 'mips1',
    heapPeak: 6_144,
    stackUsed: 2_048,
    at: UPLOADED,
    ...over,
  };
}
