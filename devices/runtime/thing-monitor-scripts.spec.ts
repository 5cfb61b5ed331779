import { createEngine } from '../engines';
import type { Engine } from '../engines/engine';
import { ended, setup, shutdownMonitors, waitFor } from './testing/monitor-setup';

/** The Thing Monitor driving the script VMs (lua, js): same commands, honest refusals. */
afterEach(shutdownMonitors);

const text = (source: string) => new TextEncoder().encode(source);

describe('ThingMonitor: script VMs', () => {
  it('loads a Lua app without an explicit prepare, runs it and serves its events', async () => {
    const { ok, load, printed, publishes } = setup({ vm: 'lua' });
    await load(
      text('print("up")\nevents.on("button", function(v) publish("pressed", v) end)'),
      'lua',
    );
    await ok('start');
    await waitFor('main to run', () => printed.join('') === 'up\n');
    expect(await ok('inject', { event: 1, value: 1000 })).toEqual({ queued: true });
    await waitFor('the handler to publish', () => publishes().length === 1);
    expect(publishes()[0]).toMatchObject({ name: 'pressed', value: 1000 });
    expect((await ok('status')).console).toBe('up\n');
  });

  it('stops an endless JS loop at the main budget, in one run', async () => {
    const { ok, load, events, vmEvents } = setup({ vm: 'js', mainBudget: 300_000 });
    await load(text('for (;;) {}'), 'js');
    await ok('start');
    await waitFor('the budget to run out', ended(events));
    expect(vmEvents().at(-1)).toMatchObject({
      state: 'faulted',
      fault: { code: 'budget_exhausted' },
    });
  });

  it('answers step on QuickJS and memory on Lua with unsupported', async () => {
    const js = setup({ vm: 'js' });
    await js.load(text('print(1);'), 'js');
    expect(await js.fail('step', { n: 1 })).toMatchObject({
      code: 'unsupported',
      message: expect.stringMatching(/not supported/),
    });
    const lua = setup({ vm: 'lua' });
    await lua.load(text('print(1)'), 'lua');
    expect(await lua.fail('memory', { address: 0, length: 4 })).toMatchObject({
      code: 'unsupported',
    });
  });

  it('disposes the engine it replaces, and one whose image it rejected', async () => {
    const created: Engine[] = [];
    const disposed: Engine[] = [];
    const { ok, load, fail } = setup({
      vm: 'lua',
      createEngine: (kind, limits, host) => {
        const engine = createEngine(kind, limits, host);
        const dispose = engine.dispose!.bind(engine);
        engine.dispose = () => (disposed.push(engine), dispose());
        created.push(engine);
        return engine;
      },
    });
    await load(text('print(1)'), 'lua');
    await load(text('print(2)'), 'lua');
    expect(disposed).toEqual([created[0]]);
    expect(await fail('load', { vm: 'lua', image: text('x = = 1') })).toMatchObject({
      code: 'image_rejected',
      message: expect.stringMatching(/guest:1:/),
    });
    expect(disposed).toEqual([created[0], created[2]]);
    expect(await ok('status')).toMatchObject({ state: 'loaded' });
  });
});
