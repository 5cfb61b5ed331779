import { eventSchema } from '../../src/protocol';
import { BOARDS } from '../boards';
import { createEngine, EngineUnavailableError } from '../engines';
import { LOAD_ADDRESS } from '../engines/mips1/testing/harness';
import {
  ended,
  exit7,
  firmware,
  nullStore,
  Op,
  setup,
  shutdownMonitors,
  spin,
  waitFor,
} from './testing/monitor-setup';

// The run state machine (ProgramControl), driven through the ThingMonitor's commands.
afterEach(shutdownMonitors);

describe('ThingMonitor: run control', () => {
  it('pauses, resumes, stops and resets a program that never ends', async () => {
    const { ok, load, tm, fail, vmEvents } = setup();
    await load(spin);
    await ok('start');
    await waitFor('the first slice', () => tm.status().instructions > 0);
    expect(await ok('pause')).toEqual({ state: 'paused' });
    const paused = await ok('status');
    expect(paused).toMatchObject({ state: 'paused', phase: 'paused' });
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect((await ok('status')).instructions).toBe(paused.instructions);
    expect([LOAD_ADDRESS, LOAD_ADDRESS + 4]).toContain(paused.pc);

    expect(await ok('resume')).toEqual({ state: 'running' });
    await waitFor('more instructions', () => tm.status().instructions > paused.instructions);
    expect(await ok('stop')).toEqual({ state: 'stopped' });
    expect(await ok('status')).toMatchObject({ state: 'stopped', lastEnd: { kind: 'stopped' } });
    expect((await fail('start')).code).toBe('bad_state');

    expect(await ok('reset')).toEqual({ state: 'loaded' });
    expect(await ok('status')).toMatchObject({
      state: 'loaded',
      pc: LOAD_ADDRESS,
      instructions: 0,
    });
    await ok('start');
    expect(await ok('reset')).toEqual({ state: 'loaded' }); // a run under way ends as stopped
    expect(vmEvents().map((e) => (e as { state: string }).state)).toEqual([
      'running',
      'paused',
      'running',
      'stopped',
      'running',
      'stopped',
    ]);
    expect(vmEvents().every((e) => !('exitCode' in e))).toBe(true);
  });

  it('steps a paused program and resumes it from there', async () => {
    const { ok, load, events } = setup();
    await load(firmware('fibonacci'));
    await ok('start');
    await ok('pause'); // before the first slice: nothing has run
    expect((await ok('status')).instructions).toBe(0);
    expect(await ok('step', { n: 10 })).toMatchObject({ instructions: 10, executed: 10 });
    expect((await ok('status')).state).toBe('paused');
    await ok('resume');
    await waitFor('the run to end', ended(events));
    expect(await ok('status')).toMatchObject({
      lastEnd: { kind: 'exited', code: 0 },
      console: expect.stringContaining('check: ok'),
    });
  });

  it('steps into event handlers once main has returned', async () => {
    const { ok, load, fail, tm, publishes } = setup();
    await load(firmware('button-counter'));
    expect(await ok('step', { n: 100_000 })).toMatchObject({ outcome: 'exited' });
    expect((await ok('status')).state).toBe('loaded'); // main registered a handler
    const nothing = await fail('step', { n: 1 });
    expect(nothing).toMatchObject({ code: 'bad_state' });
    expect(nothing.message).toMatch(/no event is pending; inject an event/);

    expect(await ok('inject', { event: 1 })).toEqual({ queued: true });
    expect(await ok('step', { n: 100_000 })).toMatchObject({ outcome: 'returned' });
    expect(publishes()).toEqual([{ kind: 'publish', name: 'presses', value: 1 }]);

    // Serving, paused, an event pending: a step runs its handler, resume serves on.
    await ok('start');
    await waitFor('serving', () => tm.status().phase === 'serving');
    await ok('pause');
    await ok('inject', { event: 1 });
    expect(await ok('step', { n: 100_000 })).toMatchObject({ outcome: 'returned' });
    await ok('resume');
    await ok('inject', { event: 1 });
    await waitFor('the third press', () => publishes().length === 3);

    // Paused halfway through a handler a step started: resume finishes it, then serves on.
    await ok('pause');
    await ok('inject', { event: 1 });
    expect(await ok('step', { n: 1 })).toMatchObject({ outcome: 'budget', executed: 1 });
    expect(await ok('status')).toMatchObject({ state: 'paused', phase: 'paused' });
    await ok('resume');
    await waitFor('the fourth press', () => publishes().length === 4);
    await ok('inject', { event: 1 });
    await waitFor('the fifth press', () => publishes().length === 5);
    expect(publishes().map((e) => (e as { value: number }).value)).toEqual([1, 2, 3, 4, 5]);
    expect(await ok('status')).toMatchObject({ state: 'running', phase: 'serving' });
  });

  it('ends the program when a step exits or faults', async () => {
    const exiting = setup();
    await exiting.load(exit7);
    expect(await exiting.ok('step', { n: 100 })).toMatchObject({ outcome: 'exited' });
    expect(await exiting.ok('status')).toMatchObject({
      state: 'stopped',
      lastEnd: { kind: 'exited', code: 7 },
    });
    expect(exiting.vmEvents()).toEqual([{ kind: 'vm', state: 'stopped', exitCode: 7 }]);

    const faulting = setup();
    await faulting.load(nullStore);
    const step = await faulting.ok('step', { n: 5 });
    expect(step).toMatchObject({
      outcome: 'fault',
      executed: 0,
      fault: { code: 'bad_address', pc: LOAD_ADDRESS, address: 0 },
    });
    expect((await faulting.ok('status')).state).toBe('faulted');
  });

  it('faults a main that runs past its budget with budget_exhausted', async () => {
    const { ok, load, events, vmEvents } = setup({ mainBudget: 50_000, sliceInstructions: 10_000 });
    await load(spin);
    await ok('start');
    await waitFor('the budget to run out', ended(events));
    const [, faulted] = vmEvents();
    expect(faulted).toMatchObject({
      kind: 'vm',
      state: 'faulted',
      fault: { code: 'budget_exhausted', message: expect.stringContaining('50000 instructions') },
    });
    expect(eventSchema.parse(faulted)).toEqual(faulted);
    expect(await ok('status')).toMatchObject({
      state: 'faulted',
      instructions: 50_000,
      lastEnd: { kind: 'fault', fault: { code: 'budget_exhausted' } },
    });
  });

  it('faults a guest that stores outside its memory with bad_address', async () => {
    const { ok, load, events, vmEvents } = setup();
    await load(nullStore);
    await ok('start');
    await waitFor('the fault', ended(events));
    expect(vmEvents()[1]).toEqual({
      kind: 'vm',
      state: 'faulted',
      fault: { code: 'bad_address', pc: LOAD_ADDRESS, address: 0, message: expect.any(String) },
    });
  });
});

describe('ThingMonitor: refusals', () => {
  type Into = 'idle' | 'loaded' | 'running' | 'paused' | 'stopped' | 'faulted';

  async function into(state: Into) {
    const monitor = setup(state === 'faulted' ? { mainBudget: 1_000, sliceInstructions: 100 } : {});
    if (state === 'idle') return monitor;
    await monitor.load(spin);
    if (state === 'loaded') return monitor;
    await monitor.ok('start');
    if (state === 'paused') await monitor.ok('pause');
    if (state === 'stopped') await monitor.ok('stop');
    if (state === 'faulted') await waitFor('the fault', ended(monitor.events));
    expect((await monitor.ok('status')).state).toBe(state);
    return monitor;
  }

  it.each<[Into, Op, string]>([
    ['idle', 'start', 'no_app'],
    ['idle', 'stop', 'no_app'],
    ['idle', 'pause', 'no_app'],
    ['idle', 'resume', 'no_app'],
    ['idle', 'reset', 'no_app'],
    ['idle', 'registers', 'no_app'],
    ['loaded', 'stop', 'bad_state'],
    ['loaded', 'pause', 'bad_state'],
    ['loaded', 'resume', 'bad_state'],
    ['paused', 'start', 'bad_state'],
    ['paused', 'pause', 'bad_state'],
    ['stopped', 'start', 'bad_state'],
    ['stopped', 'stop', 'bad_state'],
    ['stopped', 'resume', 'bad_state'],
    ['faulted', 'start', 'bad_state'],
    ['faulted', 'pause', 'bad_state'],
  ])('%s: %s → %s', async (state, op, code) => {
    const { fail } = await into(state);
    const error = await fail(op);
    expect(error.code).toBe(code);
    if (code === 'bad_state') expect(error.message).toMatch(new RegExp(`^cannot ${op}: `));
  });

  it.each<[Into, Op, Record<string, unknown>]>([
    ['idle', 'step', { n: 1 }],
    ['idle', 'memory', { address: LOAD_ADDRESS, length: 4 }],
    ['idle', 'inject', { event: 1 }],
    ['running', 'step', { n: 1 }],
    ['stopped', 'step', { n: 1 }],
    ['faulted', 'step', { n: 1 }],
    ['running', 'load', { vm: 'mips1', image: spin }],
    ['paused', 'load', { vm: 'mips1', image: spin }],
  ])('%s: %s is refused', async (state, op, args) => {
    const { fail } = await into(state);
    const error = await fail(op, args);
    expect(error.code).toBe(state === 'idle' ? 'no_app' : 'bad_state');
    if (state !== 'idle') expect(error.message).toMatch(/; (pause|stop|reset)/);
  });

  it('refuses a VM kind the device does not run, a bad image, and a VM without engine', async () => {
    const mips = setup();
    expect(await mips.fail('load', { vm: 'wasm', image: spin })).toEqual({
      code: 'vm_mismatch',
      message: 'this device runs mips1 apps, not wasm',
    });
    const corrupt = spin.slice();
    corrupt[0] = 0x58;
    const rejected = await mips.fail('load', { vm: 'mips1', image: corrupt });
    expect(rejected.code).toBe('image_rejected');
    expect(rejected.message).toMatch(/magic "X1VM" is not "M1VM"/);
    expect((await mips.ok('status')).state).toBe('idle');

    // A rejected image leaves the loaded app in place.
    await mips.load(spin, 'mips1', { id: 'spin', version: '1' });
    expect((await mips.fail('load', { vm: 'mips1', image: corrupt })).code).toBe('image_rejected');
    expect(await mips.ok('status')).toMatchObject({ state: 'loaded', app: { id: 'spin' } });

    const python = setup({ vm: 'micropython' });
    const binary = await python.fail('load', { vm: 'micropython', image: spin });
    expect(binary).toMatchObject({ code: 'image_rejected', message: /not valid UTF-8/ });
    const withoutEngine = setup({
      vm: 'micropython',
      createEngine: (kind) => {
        throw new EngineUnavailableError(kind);
      },
    });
    const unsupported = await withoutEngine.fail('load', { vm: 'micropython', image: spin });
    expect(unsupported.code).toBe('unsupported');
    expect(unsupported.message).toMatch(/no micropython engine/);

    const tiny = setup({ board: BOARDS.atmega328 });
    expect((await tiny.fail('load', { vm: 'mips1', image: spin })).code).toBe('unsupported');
  });

  it('answers an unexpected failure as internal instead of throwing', async () => {
    const { fail, load } = setup({
      createEngine: (kind, limits, host) => {
        const engine = createEngine(kind, limits, host);
        engine.memory = () => {
          throw new Error('boom');
        };
        return engine;
      },
    });
    await load(spin);
    expect(await fail('status')).toEqual({ code: 'internal', message: 'boom' });
  });
});
