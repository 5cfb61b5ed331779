import type { Deployment, DeviceRollout, RolloutState } from './deployment';
import { applyReport, nextStep, summary, countStates } from './rollout-progress';

const deployment = (over: Partial<Deployment> = {}): Deployment => ({
  id: 1,
  app: { name: 'demo', version: '1.0.0', vm: 'mips1' },
  target: { tag: 't' },
  strategy: { kind: 'canary', count: 2 },
  failureThreshold: 10,
  healthWindowMs: 1000,
  status: 'running',
  currentWave: 0,
  waveCount: 2,
  reason: null,
  createdAt: 0,
  updatedAt: 0,
  finishedAt: null,
  ...over,
});

const entry = (deviceId: string, wave: number, state: RolloutState): DeviceRollout => ({
  deploymentId: 1,
  deviceId,
  wave,
  state,
  code: null,
  reason: null,
  updatedAt: 0,
  history: [{ state, at: 0 }],
});

const online = () => true;

describe('nextStep', () => {
  it('offers the first wave to the online devices only', () => {
    const devices = [entry('a', 0, 'pending'), entry('b', 0, 'pending'), entry('c', 1, 'pending')];
    expect(nextStep(deployment(), devices, (id) => id !== 'b')).toEqual({ wave: 0, offer: ['a'] });
  });

  it('moves to the next wave when the canaries are done; offline pending ones do not block', () => {
    const devices = [entry('a', 0, 'healthy'), entry('b', 0, 'pending'), entry('c', 1, 'pending')];
    expect(nextStep(deployment(), devices, (id) => id !== 'b')).toEqual({ wave: 1, offer: ['c'] });
  });

  it('waits while a canary is still running', () => {
    const devices = [entry('a', 0, 'healthy'), entry('b', 0, 'running'), entry('c', 1, 'pending')];
    expect(nextStep(deployment(), devices, online)).toEqual({ wave: 0, offer: [] });
  });

  it('halts at a wave boundary when the devices tried so far failed too often', () => {
    const devices = [
      entry('a', 0, 'rolled-back'),
      entry('b', 0, 'healthy'),
      ...['c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k', 'l'].map((id) => entry(id, 1, 'pending')),
    ];
    // 1 of 12 planned is under 10%, but 1 of the 2 tried is 50%.
    expect(nextStep(deployment(), devices, online)).toEqual({
      wave: 0,
      offer: [],
      halt: '1 of 2 devices failed, above the 10% threshold',
    });
  });

  it('halts at once when failures exceed the threshold of all planned devices', () => {
    const devices = [entry('a', 0, 'failed'), entry('b', 0, 'running')];
    expect(nextStep(deployment({ waveCount: 1 }), devices, online).halt).toBe(
      '1 of 2 devices failed, above the 10% threshold',
    );
  });

  it('tolerates failures up to the threshold', () => {
    const devices = [entry('a', 0, 'failed'), entry('b', 0, 'healthy')];
    const step = nextStep(deployment({ waveCount: 1, failureThreshold: 50 }), devices, online);
    expect(step).toEqual({ wave: 0, offer: [], complete: '1 healthy, 1 failed' });
  });

  it('completes when every device is final; skipped ones do not count as failures', () => {
    const devices = [entry('a', 0, 'healthy'), entry('b', 0, 'skipped'), entry('c', 1, 'healthy')];
    expect(nextStep(deployment({ failureThreshold: 0 }), devices, online)).toEqual({
      wave: 1,
      offer: [],
      complete: '2 healthy, 1 skipped',
    });
  });
});

describe('applyReport', () => {
  it('moves forward and records the change with its code and reason', () => {
    const next = applyReport(
      entry('a', 0, 'running'),
      { state: 'rolled-back', code: 'app_fault', reason: 'x' },
      5,
    );
    expect(next).toMatchObject({
      state: 'rolled-back',
      code: 'app_fault',
      reason: 'x',
      updatedAt: 5,
    });
    expect(next?.history.map((h) => h.state)).toEqual(['running', 'rolled-back']);
  });

  it.each<[RolloutState, 'transferring' | 'running' | 'healthy' | 'failed']>([
    ['running', 'transferring'], // an old report arriving late
    ['transferring', 'transferring'], // a re-offer answered with the same state
    ['healthy', 'failed'], // final stays final
    ['cancelled', 'failed'],
  ])('ignores %s ← %s', (from, reported) => {
    expect(applyReport(entry('a', 0, from), { state: reported }, 5)).toBeNull();
  });

  it('still records what a device installed after its entry was cancelled', () => {
    expect(applyReport(entry('a', 0, 'cancelled'), { state: 'healthy' }, 5)?.state).toBe('healthy');
  });
});

describe('summary', () => {
  it('lists the non-zero counts in state order', () => {
    const counts = countStates([
      entry('a', 0, 'skipped'),
      entry('b', 0, 'healthy'),
      entry('c', 0, 'healthy'),
    ]);
    expect(summary(counts)).toBe('2 healthy, 1 skipped');
  });
});
