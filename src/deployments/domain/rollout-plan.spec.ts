import { incompatibility, planRollout, waveSizes, type PlanDevice } from './rollout-plan';

const app = { vm: 'mips1' as const, needs: { ramBytes: 8192, flashBytes: 4096 } };
const device = (id: string, over: Partial<PlanDevice> = {}): PlanDevice => ({
  id,
  vm: 'mips1',
  limits: { ramBytes: 262144, flashBytes: 1048576, appRamBytes: 16384, appFlashBytes: 8192 },
  ...over,
});

describe('waveSizes', () => {
  it.each([
    [10, { kind: 'all-at-once' } as const, [10]],
    [10, { kind: 'canary', count: 2 } as const, [2, 8]],
    [1, { kind: 'canary', count: 2 } as const, [1]],
    [20, { kind: 'waves', percents: [10, 50, 100] } as const, [2, 8, 10]],
    // A percentage of a small fleet still reaches one device; no wave is empty.
    [3, { kind: 'waves', percents: [1, 2, 100] } as const, [1, 2]],
    [0, { kind: 'waves', percents: [50, 100] } as const, []],
    [7, { kind: 'waves', percents: [33, 66, 100] } as const, [3, 2, 2]],
  ])('%d devices, %j → %j', (n, strategy, sizes) => {
    expect(waveSizes(n, strategy)).toEqual(sizes);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(n);
  });
});

describe('incompatibility', () => {
  it.each([
    ['fits', device('a'), null],
    ['other VM', device('a', { vm: 'wasm' }), 'device runs wasm, app is for mips1'],
    [
      'not enough guest RAM',
      device('a', { limits: { ramBytes: 2048, flashBytes: 32768, appRamBytes: 819 } }),
      'app needs 8192 bytes of RAM, device grants 819',
    ],
    [
      'slot too small',
      device('a', { limits: { ramBytes: 1 << 20, flashBytes: 1 << 20, appFlashBytes: 1024 } }),
      'app needs 4096 bytes of flash, device has 1024 per app slot',
    ],
    ['no hello yet: checked later', device('a', { limits: null }), null],
    [
      'total limits when the device does not say what apps get',
      device('a', { limits: { ramBytes: 4096, flashBytes: 1 << 20 } }),
      'app needs 8192 bytes of RAM, device grants 4096',
    ],
  ])('%s', (_what, d, reason) => {
    expect(incompatibility(app, d)).toBe(reason);
  });
});

describe('planRollout', () => {
  it('skips what does not fit before splitting the rest into waves, in the given order', () => {
    const devices = ['d1', 'd2', 'd3', 'd4', 'd5'].map((id) => device(id));
    devices[1] = device('d2', { vm: 'lua' });
    const plan = planRollout(app, devices, { kind: 'canary', count: 1 });
    expect(plan).toEqual({
      waves: [['d1'], ['d3', 'd4', 'd5']],
      skipped: [{ deviceId: 'd2', reason: 'device runs lua, app is for mips1' }],
    });
  });
});
