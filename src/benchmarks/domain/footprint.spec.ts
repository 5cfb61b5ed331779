import {
  footprintBoards,
  footprintTables,
  orderFootprintVms,
  runtimePeak,
  type FootprintBuild,
} from './footprint';
import { FEATHER_BOARD, RIOT, snapshot, storedBuilds } from './testing/footprints';

describe('footprintTables', () => {
  const tables = footprintTables(storedBuilds());

  it('has one table per board with builds, the baseline first, then BENCH_VM_ORDER', () => {
    expect(tables.map((t) => t.board)).toEqual([FEATHER_BOARD, 'native64']);
    expect(tables.map((t) => t.rows.map((r) => r.vm))).toEqual([
      ['none', 'mips1', 'ebpf'],
      ['none', 'mips1', 'wasm'],
    ]);
    expect(tables[1].baselineRiot).toBe(RIOT);
  });

  it('takes ROM = text + data and static RAM = data + bss, each over the VM=none build', () => {
    const [none, mips1] = tables[1].rows;
    expect(none).toMatchObject({
      romBytes: 273_376 + 10_744,
      romOverBaseline: 0,
      staticRamBytes: 10_744 + 401_936,
      staticRamOverBaseline: 0,
    });
    expect(mips1).toMatchObject({
      romBytes: 293_921 + 11_064,
      romOverBaseline: 293_921 + 11_064 - (273_376 + 10_744),
      staticRamBytes: 11_064 + 468_688,
      staticRamOverBaseline: 11_064 + 468_688 - (10_744 + 401_936),
      runtimePeak: null,
    });
  });

  it('leaves the excess null on a board without a baseline build', () => {
    const builds = storedBuilds().filter((b) => !(b.board === 'native64' && b.vm === 'none'));
    const native = footprintTables(builds).find((t) => t.board === 'native64')!;
    expect(native.baselineRiot).toBeNull();
    expect(native.rows.map((r) => [r.vm, r.romOverBaseline, r.staticRamOverBaseline])).toEqual([
      ['mips1', null, null],
      ['wasm', null, null],
    ]);
  });

  it('shows only the boards asked for, in that order, skipping those without builds', () => {
    const shown = footprintTables(storedBuilds(), [], ['native64', 'esp32', FEATHER_BOARD]);
    expect(shown.map((t) => t.board)).toEqual(['native64', FEATHER_BOARD]);
  });

  it('puts the runtime peak on the row of the VM and board the devices run', () => {
    const snapshots = [snapshot(), snapshot({ board: FEATHER_BOARD, vm: 'ebpf', heapPeak: 100 })];
    const [feather, native] = footprintTables(storedBuilds(), snapshots);
    expect(native.rows.find((r) => r.vm === 'mips1')?.runtimePeak?.bytes).toBe(6_144 + 2_048);
    expect(native.rows.find((r) => r.vm === 'wasm')?.runtimePeak).toBeNull();
    expect(feather.rows.find((r) => r.vm === 'ebpf')?.runtimePeak?.bytes).toBe(100 + 2_048);
    expect(feather.rows.find((r) => r.vm === 'mips1')?.runtimePeak).toBeNull();
  });
});

describe('runtimePeak', () => {
  it('takes the device with the largest heap peak + stack used', () => {
    const peak = runtimePeak(
      [
        snapshot({ deviceId: 'a', heapPeak: 5_000, stackUsed: 1_000 }),
        snapshot({ deviceId: 'b', heapPeak: 4_000, stackUsed: 3_000 }),
        snapshot({ deviceId: 'c', heapPeak: 9_000, vm: 'wasm' }),
        snapshot({ deviceId: 'd', heapPeak: 9_000, board: FEATHER_BOARD }),
      ],
      'native64',
      'mips1',
    );
    expect(peak).toEqual({
      bytes: 7_000,
      heapPeakBytes: 4_000,
      stackUsedBytes: 3_000,
      deviceId: 'b',
      devices: 2,
    });
  });

  it('counts a device that reports only one figure with that one, and none without', () => {
    const only = runtimePeak(
      [
        snapshot({ deviceId: 'a', heapPeak: null, stackUsed: 512 }),
        snapshot({ deviceId: 'b', heapPeak: null, stackUsed: null }),
      ],
      'native64',
      'mips1',
    );
    expect(only).toEqual({
      bytes: 512,
      heapPeakBytes: null,
      stackUsedBytes: 512,
      deviceId: 'a',
      devices: 1,
    });
    expect(runtimePeak([snapshot({ heapPeak: null, stackUsed: null })], 'native64', 'mips1')).toBe(
      null,
    );
  });
});

describe('footprintBoards', () => {
  const builds = storedBuilds();

  it("takes the campaign's boards that have builds first, then the other boards with builds", () => {
    expect(footprintBoards(['native64', 'nrf52840', 'native64'], builds)).toEqual([
      'native64',
      FEATHER_BOARD,
    ]);
  });

  it('shows every board with builds when no campaign board has any', () => {
    expect(footprintBoards(['nrf52840'], builds)).toEqual([FEATHER_BOARD, 'native64']);
    expect(footprintBoards([], builds)).toEqual([FEATHER_BOARD, 'native64']);
    expect(footprintBoards(['nrf52840'], [] as FootprintBuild[])).toEqual([]);
  });
});

describe('orderFootprintVms', () => {
  it('puts none first, then the report column order, then the rest alphabetically', () => {
    expect(orderFootprintVms(['zeta', 'js', 'lua', 'none', 'wasm-fast', 'ebpf', 'mips1'])).toEqual([
      'none',
      'mips1',
      'ebpf',
      'wasm-fast',
      'lua',
      'js',
      'zeta',
    ]);
    expect(orderFootprintVms(['wasm', 'mips1'])).toEqual(['mips1', 'wasm']);
  });
});
