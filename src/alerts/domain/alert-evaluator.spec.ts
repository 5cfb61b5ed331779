import { AlertEvaluator, type TelemetryReading } from './alert-evaluator';
import { type AlertRule, ruleInputSchema } from './alert-rule';

const S = 1000;
const dev = { id: 'd-1', board: 'nrf52840', vm: 'mips1', tags: ['lab'] };
const other = { id: 'd-2', board: 'esp32', vm: 'wasm', tags: [] };

let nextId = 1;
function rule(input: Record<string, unknown>, updatedAt = 0): AlertRule {
  return {
    ...ruleInputSchema.parse({ name: 'r', ...input }),
    id: nextId++,
    createdAt: 0,
    updatedAt,
  };
}

function reading(at: number, ramUsed: number, instructions = 0): TelemetryReading {
  return { at, ramUsed, ramTotal: 1000, flashUsed: 100, flashTotal: 1000, cpu: 0.5, instructions };
}

const changes = (ts: { change: string; deviceId: string | null }[]) =>
  ts.map((t) => `${t.change} ${t.deviceId}`);

describe('AlertEvaluator', () => {
  it('fires a telemetry rule once, only after the condition held for forSeconds, and resolves it', () => {
    const ev = new AlertEvaluator();
    const ram = rule({
      kind: 'telemetry',
      metric: 'ram_pct',
      op: '>',
      threshold: 90,
      forSeconds: 60,
    });
    ev.setRules([ram], 0);
    expect(ev.telemetry(dev, reading(0, 950))).toEqual([]);
    expect(ev.telemetry(dev, reading(30 * S, 960))).toEqual([]);
    // A dip below restarts the clock.
    expect(ev.telemetry(dev, reading(40 * S, 100))).toEqual([]);
    expect(ev.telemetry(dev, reading(50 * S, 950))).toEqual([]);
    expect(ev.tick(109 * S)).toEqual([]);
    const fired = ev.tick(110 * S);
    expect(fired).toMatchObject([{ change: 'firing', deviceId: 'd-1', value: 95, at: 110 * S }]);
    expect(fired[0].message).toBe('ram_pct 95 > 90 for 60 s');
    expect(ev.telemetry(dev, reading(120 * S, 990))).toEqual([]);
    expect(ev.firingCountByKind().telemetry).toBe(1);
    const resolved = ev.telemetry(dev, reading(130 * S, 500));
    expect(resolved).toMatchObject([{ change: 'resolved', deviceId: 'd-1', value: 50 }]);
    expect(ev.firingCountByKind().telemetry).toBe(0);
  });

  it.each([
    ['<', 20, 100, true],
    ['<', 20, 300, false],
    ['>', 20, 300, true],
    ['>', 30, 300, false],
  ] as const)('op %s %d with ram %d‰ fires: %s', (op, threshold, ramUsed, fires) => {
    const ev = new AlertEvaluator();
    ev.setRules([rule({ kind: 'telemetry', metric: 'ram_pct', op, threshold })], 0);
    expect(ev.telemetry(dev, reading(0, ramUsed)).length).toBe(fires ? 1 : 0);
  });

  it('computes the instruction rate between samples, and skips a counter reset', () => {
    const ev = new AlertEvaluator();
    ev.setRules(
      [rule({ kind: 'telemetry', metric: 'instructions_per_s', op: '>', threshold: 1000 })],
      0,
    );
    expect(ev.telemetry(dev, reading(0, 0, 0))).toEqual([]);
    expect(ev.telemetry(dev, reading(10 * S, 0, 5_000))).toEqual([]); // 500/s
    expect(ev.telemetry(dev, reading(20 * S, 0, 25_000))).toMatchObject([
      { change: 'firing', value: 2000 },
    ]);
    expect(ev.telemetry(dev, reading(30 * S, 0, 10))).toEqual([]); // reset: no rate, no change
  });

  it('watches only devices in the scope, and resolves when a device leaves it', () => {
    const ev = new AlertEvaluator();
    ev.setRules(
      [
        rule({
          kind: 'telemetry',
          metric: 'cpu_pct',
          op: '>',
          threshold: 10,
          scope: { tag: 'lab' },
        }),
      ],
      0,
    );
    expect(changes(ev.telemetry(dev, reading(0, 0)))).toEqual(['firing d-1']);
    expect(ev.telemetry(other, reading(0, 0))).toEqual([]);
    expect(changes(ev.telemetry({ ...dev, tags: [] }, reading(S, 0)))).toEqual(['resolved d-1']);
  });

  it('re-evaluates a changed telemetry rule on the last sample (a raised threshold resolves)', () => {
    const ev = new AlertEvaluator();
    const low = rule({ kind: 'telemetry', metric: 'ram_pct', op: '>', threshold: 1 }, 1);
    ev.setRules([low], 0);
    expect(changes(ev.telemetry(dev, reading(0, 500)))).toEqual(['firing d-1']);
    expect(ev.setRules([low], S)).toEqual([]); // unchanged: nothing happens
    expect(
      changes(ev.setRules([{ ...low, threshold: 99, updatedAt: 2 } as AlertRule], 2 * S)),
    ).toEqual(['resolved d-1']);
  });

  it('resolves the alerts of a rule that is deleted or disabled', () => {
    const ev = new AlertEvaluator();
    const r = rule({ kind: 'telemetry', metric: 'ram_pct', op: '>', threshold: 1 });
    ev.setRules([r], 0);
    ev.telemetry(dev, reading(0, 500));
    const out = ev.setRules([{ ...r, enabled: false }], S);
    expect(out).toMatchObject([{ change: 'resolved', message: 'rule removed' }]);
  });

  it('fires silent after N of the device interval without telemetry, and resolves on the next sample', () => {
    const ev = new AlertEvaluator();
    ev.setRules([rule({ kind: 'silent', periods: 3 })], 0);
    ev.telemetry(dev, reading(0, 0));
    expect(ev.tick(100 * S)).toEqual([]); // one sample: no interval known yet
    ev.telemetry(dev, reading(10 * S, 0)); // interval 10 s
    expect(ev.tick(40 * S)).toEqual([]);
    const fired = ev.tick(41 * S);
    expect(fired).toMatchObject([{ change: 'firing', deviceId: 'd-1', value: 31 }]);
    expect(fired[0].message).toBe('no telemetry for 31 s (3 × its 10 s interval)');
    expect(ev.tick(50 * S)).toEqual([]); // once
    expect(changes(ev.telemetry(dev, reading(60 * S, 0)))).toEqual(['resolved d-1']);
  });

  it('fires event_rate at count events within the window, and resolves when the window empties', () => {
    const ev = new AlertEvaluator();
    ev.setRules([rule({ kind: 'event_rate', event: 'fault', count: 2, windowSeconds: 60 })], 0);
    const fault = { kind: 'vm', state: 'faulted' } as const;
    expect(ev.event(dev, fault, 0)).toEqual([]);
    expect(ev.event(dev, { kind: 'vm', state: 'running' }, S)).toEqual([]);
    expect(ev.event(dev, { kind: 'publish' }, S)).toEqual([]);
    expect(ev.event(dev, fault, 61 * S)).toEqual([]); // the first left the window
    expect(ev.event(dev, fault, 62 * S)).toMatchObject([{ change: 'firing', value: 2 }]);
    expect(ev.event(dev, fault, 63 * S)).toEqual([]);
    expect(ev.tick(100 * S)).toEqual([]);
    expect(ev.tick(122 * S)).toMatchObject([{ change: 'resolved', value: 1 }]);
  });

  it('fires rollout_failed per halted deployment and resolves it when it is no longer halted', () => {
    const ev = new AlertEvaluator();
    ev.setRules([rule({ kind: 'rollout_failed' })], 0);
    const out = ev.deployments([{ id: 3, reason: '2 of 4 devices failed' }], 0);
    expect(out).toMatchObject([{ change: 'firing', deploymentId: 3, deviceId: null }]);
    expect(out[0].message).toBe('deployment 3 halted: 2 of 4 devices failed');
    expect(ev.deployments([{ id: 3, reason: null }], S)).toEqual([]);
    expect(ev.deployments([], 2 * S)).toMatchObject([{ change: 'resolved', deploymentId: 3 }]);
  });

  it('forgets deleted devices: their alerts resolve and silence no longer fires for them', () => {
    const ev = new AlertEvaluator();
    ev.setRules([rule({ kind: 'silent', periods: 1 })], 0);
    for (const d of [dev, other]) {
      ev.telemetry(d, reading(0, 0));
      ev.telemetry(d, reading(S, 0));
    }
    expect(changes(ev.tick(10 * S))).toEqual(['firing d-1', 'firing d-2']);
    const out = ev.forgetDevices(new Set(['d-2']), 11 * S);
    expect(out).toMatchObject([{ change: 'resolved', deviceId: 'd-1', message: 'device deleted' }]);
    expect(ev.firingCountByKind().silent).toBe(1);
    expect(ev.tick(20 * S)).toEqual([]);
  });

  it('does not fire again what was firing before a restart', () => {
    const ev = new AlertEvaluator();
    const r = rule({ kind: 'telemetry', metric: 'ram_pct', op: '>', threshold: 1 });
    ev.restore([{ ruleId: r.id, deviceId: 'd-1', deploymentId: null }]);
    ev.setRules([r], 0);
    expect(ev.telemetry(dev, reading(0, 500))).toEqual([]);
    expect(changes(ev.telemetry(dev, reading(S, 0)))).toEqual(['resolved d-1']);
  });
});

describe('ruleInputSchema', () => {
  it.each([
    [{ kind: 'telemetry', name: 'x', metric: 'ram', op: '>', threshold: 1 }, /metric/],
    [{ kind: 'telemetry', name: 'x', metric: 'ram_pct', op: '>=', threshold: 1 }, /op/],
    [{ kind: 'silent', name: 'x', periods: 0 }, /periods/],
    [{ kind: 'event_rate', name: 'x', event: 'fault', count: 1 }, /windowSeconds/],
    [{ kind: 'rollout_failed', name: 'x', webhookUrl: 'ftp://h/x' }, /http/],
    [{ kind: 'rollout_failed', name: 'x', extra: 1 }, /extra/],
    [{ kind: 'nope', name: 'x' }, /kind/],
  ])('refuses %j', (input, message) => {
    const r = ruleInputSchema.safeParse(input);
    expect(r.success).toBe(false);
    expect(JSON.stringify(r.error?.issues)).toMatch(message);
  });
});
