import * as fs from 'node:fs';
import * as path from 'node:path';
import { VirtualDevice } from '../devices';
import type { VmKind } from '../src/protocol';
import { startTestGateway, TestGateway, waitFor } from './support/gateway';

/** The script VMs behind the Thing Monitor and the Event Handler, as for mips1. */
const KINDS: Array<[VmKind, string, string]> = [
  ['lua', 'lua', 'lua'],
  ['micropython', 'python', 'py'],
  ['js', 'js', 'js'],
];

describe.each(KINDS)('Thing Monitor with a %s device (e2e)', (vm, dir, ext) => {
  let gw: TestGateway;
  let device: VirtualDevice;

  const source = (name: string) =>
    fs.readFileSync(path.join(__dirname, '..', 'firmware', dir, 'apps', `${name}.${ext}`));
  const request = (op: string, args?: object) =>
    gw.api('POST', '/api/devices/vm-1/monitor', { op, args, timeoutMs: 10_000 });
  const monitor = async (op: string, args?: object) => {
    const res = await request(op, args);
    if (res.status !== 200) throw new Error(`${op}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body.result;
  };
  const load = (name: string) =>
    monitor('load', {
      vm,
      image: source(name).toString('base64'),
      app: { id: name, version: '1.0.0' },
    });
  const events = async (kind: string) =>
    (await gw.api('GET', `/api/devices/vm-1/events?kind=${kind}`)).body.items as Record<
      string,
      any
    >[];
  const fault = () =>
    waitFor('a fault', async () => (await events('vm')).find((e) => e.state === 'faulted'));

  beforeEach(async () => {
    gw = await startTestGateway();
    const res = await gw.api('POST', '/api/devices', { id: 'vm-1', board: 'nrf52840', vm });
    device = new VirtualDevice({
      credentials: { id: 'vm-1', token: res.body.token, board: 'nrf52840', vm },
      mqttUrl: gw.mqttUrl,
      vmBudgets: { main: 2_000_000 },
    });
    await device.start();
  });
  afterEach(async () => {
    await device.stop();
    await gw.stop();
  });

  it('serves injected button presses; the handler publishes and emits', async () => {
    await load('button-counter');
    await monitor('start');
    await waitFor('serving events', async () => (await monitor('status')).phase === 'serving');
    for (let i = 0; i < 5; i++) {
      expect(await monitor('inject', { event: 1, value: 1000 })).toEqual({ queued: true });
    }
    const published = await waitFor('five presses published', async () => {
      const items = (await events('publish')).filter((e) => e.name === 'presses');
      return items.length === 5 ? items : null;
    });
    expect(published.map((e) => e.value)).toEqual([1, 2, 3, 4, 5]);
    expect(await events('emit')).toEqual([expect.objectContaining({ event: 100, value: 5 })]);
    expect((await monitor('status')).console).toBe('button-counter: counting presses\n');
  });

  it('stops an endless loop at the budget and an uncaught error with its line', async () => {
    await load('spin');
    await monitor('start');
    expect((await fault()).fault).toMatchObject({ code: 'budget_exhausted' });
    await load('wild-store');
    await monitor('start');
    await waitFor('the second fault', async () =>
      (await events('vm')).find((e) => e.fault?.code === 'guest_error'),
    );
    expect(await monitor('status')).toMatchObject({
      state: 'faulted',
      lastEnd: { fault: { code: 'guest_error', pc: 6 } },
    });
  });

  it('steps where the engine can, and says unsupported where it cannot', async () => {
    await load('spin');
    const stepped = await request('step', { n: 100 });
    if (vm === 'lua') {
      expect(stepped.body.result).toMatchObject({ outcome: 'budget', instructions: 100 });
    } else {
      expect(stepped.status).toBe(422);
      expect(JSON.stringify(stepped.body)).toMatch(/unsupported.*not supported/);
    }
    const memory = await request('memory', { address: 0, length: 4 });
    expect(memory.status).toBe(422);
  });
});
