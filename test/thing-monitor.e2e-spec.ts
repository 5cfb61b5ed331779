import * as fs from 'node:fs';
import * as path from 'node:path';
import { runCli } from '../cli/main';
import { captureIo } from '../cli/testing/capture-io';
import { VirtualDevice } from '../devices';
import { parseMips1Image } from '../src/protocol/images/mips1-image';
import { startTestGateway, TestGateway, waitFor } from './support/gateway';

const image = (name: string) =>
  fs.readFileSync(path.join(__dirname, '..', 'firmware', 'build', 'mips1', `${name}.m1`));

describe('Thing Monitor and Event Handler: gateway + virtual device (e2e)', () => {
  let gw: TestGateway;
  let device: VirtualDevice;

  const monitor = async (op: string, args?: object) => {
    const res = await gw.api('POST', '/api/devices/vm-1/monitor', { op, args, timeoutMs: 10_000 });
    if (res.status !== 200) throw new Error(`${op}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body.result;
  };
  const load = (name: string) =>
    monitor('load', {
      vm: 'mips1',
      image: image(name).toString('base64'),
      app: { id: name, version: '1.0.0' },
    });
  const events = async (kind?: string) =>
    (await gw.api('GET', `/api/devices/vm-1/events${kind ? `?kind=${kind}` : ''}`)).body
      .items as Record<string, any>[];

  beforeEach(async () => {
    gw = await startTestGateway();
    const res = await gw.api('POST', '/api/devices', {
      id: 'vm-1',
      board: 'nrf52840',
      vm: 'mips1',
    });
    device = new VirtualDevice({
      credentials: { id: 'vm-1', token: res.body.token, board: 'nrf52840', vm: 'mips1' },
      mqttUrl: gw.mqttUrl,
      telemetryIntervalMs: 200,
      vmBudgets: { main: 20_000_000 },
    });
    await device.start();
  });
  afterEach(async () => {
    await device.stop();
    await gw.stop();
  });

  it('loads an app, steps it, reads its memory, then runs it to its end', async () => {
    const loaded = await load('fibonacci');
    expect(loaded).toMatchObject({ state: 'loaded', imageBytes: image('fibonacci').length });
    const before = await monitor('registers');
    const parsed = parseMips1Image(image('fibonacci'));
    expect(before.pc).toBe(parsed.entry);
    // crt0: 6 instructions of the (empty) constructor loop, 4 to call main, then main's
    // first instruction opens its frame.
    const stepped = await monitor('step', { n: 11 });
    expect(stepped).toMatchObject({
      executed: 11,
      instructions: before.instructions + 11,
      outcome: 'budget',
    });
    const after = await monitor('registers');
    expect(after.pc).not.toBe(before.pc);
    expect(after.registers.ra).not.toBe(before.registers.ra); // jal main linked
    expect(after.registers.sp).toBeLessThan(before.registers.sp); // main opened a frame
    const memory = await monitor('memory', { address: parsed.loadAddress, length: 16 });
    expect(memory.hex).toBe(Buffer.from(parsed.payload.subarray(0, 16)).toString('hex'));
    await monitor('reset');
    expect(await monitor('start')).toMatchObject({ state: 'running' });
    const end = await waitFor('vm stopped event', async () =>
      (await events('vm')).find((e) => e.state === 'stopped'),
    );
    expect(end.exitCode).toBe(0);
    const status = await monitor('status');
    expect(status.console).toContain('check: ok');
    await waitFor('telemetry shows the app', async () => {
      const d = (await gw.api('GET', '/api/devices/vm-1')).body;
      return d.latest?.app?.id === 'fibonacci' && d.latest.instructions > 1_000_000;
    });
  });

  it('runs the guest handler for a raw event injected from the CLI; its publish arrives', async () => {
    await load('button-counter');
    await monitor('start');
    await waitFor('serving events', async () => (await monitor('status')).phase === 'serving');
    // Injected from the CLI, in-process, against the real gateway.
    const cli = captureIo({ env: { VMFLEET_URL: gw.httpUrl, VMFLEET_API_TOKEN: gw.apiToken } });
    for (let i = 0; i < 5; i++) {
      expect(await runCli(['events', 'vm-1', 'inject', 'button'], { io: cli.io })).toBe(0);
    }
    expect(cli.stdout().match(/queued/g)).toHaveLength(5);
    const published = await waitFor('five presses published', async () => {
      const items = (await events('publish')).filter((e) => e.name === 'presses');
      return items.length === 5 ? items : null;
    });
    expect(published.map((e) => e.value)).toEqual([1, 2, 3, 4, 5]);
    expect(await events('emit')).toEqual([expect.objectContaining({ event: 100, value: 5 })]);
  });

  it('stops a guest in an endless loop at its budget and reports it', async () => {
    await load('spin');
    await monitor('start');
    const fault = await waitFor('budget fault', async () =>
      (await events('vm')).find((e) => e.state === 'faulted'),
    );
    expect(fault.fault).toMatchObject({ code: 'budget_exhausted' });
    expect(await monitor('status')).toMatchObject({ state: 'faulted' });
  });

  it('stops a guest writing outside its memory and reports the address; the device keeps serving', async () => {
    await load('wild-store');
    await monitor('start');
    const fault = await waitFor('bad_address fault', async () =>
      (await events('vm')).find((e) => e.state === 'faulted'),
    );
    expect(fault.fault).toMatchObject({ code: 'bad_address', address: 0x7ffffff0 });
    await load('fibonacci');
    expect(await monitor('status')).toMatchObject({ state: 'loaded' });
  });

  it('shows what the guest set on its actuators in the device telemetry', async () => {
    await load('blink');
    await monitor('start');
    const latest = await waitFor('LED 0 on in telemetry', async () => {
      const d = (await gw.api('GET', '/api/devices/vm-1')).body;
      return d.latest?.actuators?.led?.[0] === 1 ? d.latest : null;
    });
    expect(latest.vmState).toBe('running');
  });

  it('answers a bad request from the device with its own code', async () => {
    const res = await gw.api('POST', '/api/devices/vm-1/monitor', { op: 'step', args: { n: 1 } });
    expect(res).toMatchObject({ status: 422, body: { code: 'no_app' } });
    const bad = await gw.api('POST', '/api/devices/vm-1/monitor', {
      op: 'load',
      args: { vm: 'mips1', image: Buffer.from('not an image').toString('base64') },
    });
    expect(bad).toMatchObject({ status: 422, body: { code: 'image_rejected' } });
  });
});
