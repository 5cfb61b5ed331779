import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';
import type { AedesPublishPacket } from 'aedes';
import {
  decodePayload,
  encodePayload,
  eventSchema,
  helloSchema,
  replySchema,
  statusSchema,
  telemetrySchema,
  topicFor,
  UpChannel,
} from '../src/protocol';
import { BOARDS } from './boards';
import { asm, R } from './engines/mips1/testing/asm';
import { testImage } from './engines/mips1/testing/harness';
import type { BackoffPolicy } from './link/backoff';
import { AuthRefusedError, LinkStoppedError } from './link/link-errors';
import type { ReconnectPlan } from './link/mqtt-link';
import { guestMemoryBytes } from './runtime/local-run';
import { TestBroker } from './testing/test-broker';
import { DeviceCredentials, VirtualDevice, VirtualDeviceOptions } from './virtual-device';

const credentials: DeviceCredentials = {
  id: 'dev-1',
  token: 'secret',
  board: 'nrf52840',
  vm: 'wasm',
};
const fastBackoff: BackoffPolicy = { initialMs: 100, maxMs: 1_000, jitter: 0.5 };

function on(channel: UpChannel) {
  return (packet: AedesPublishPacket) => packet.topic === topicFor('dev-1', channel);
}

function body(packet: AedesPublishPacket): Record<string, unknown> {
  return decodePayload(packet.payload as Buffer).value;
}

describe('VirtualDevice over MQTT (aedes on 127.0.0.1)', () => {
  let broker: TestBroker;
  const devices: VirtualDevice[] = [];

  function createDevice(overrides: Partial<VirtualDeviceOptions> = {}): VirtualDevice {
    const device = new VirtualDevice({
      credentials,
      mqttUrl: broker.url,
      telemetryIntervalMs: 50,
      backoff: fastBackoff,
      ...overrides,
    });
    devices.push(device);
    return device;
  }

  beforeEach(async () => {
    broker = await TestBroker.start();
    broker.tokens.set('dev-1', 'secret');
  });

  afterEach(async () => {
    await Promise.all(devices.splice(0).map((device) => device.stop()));
    await broker.close();
  });

  /** Publishes a monitor command on the device's cmd topic, as the gateway does. */
  function sendCommand(command: Record<string, unknown>): Promise<void> {
    return new Promise<void>((resolve, reject) =>
      broker.broker.publish(
        {
          cmd: 'publish',
          topic: topicFor('dev-1', 'cmd'),
          payload: encodePayload(command, 'cbor'),
          qos: 1,
          retain: false,
          dup: false,
        },
        (error) => (error ? reject(error) : resolve()),
      ),
    );
  }

  const replyTo = (id: string) => (packet: AedesPublishPacket) =>
    on('reply')(packet) && body(packet).id === id;
  const vmEvent = (state: string) => (packet: AedesPublishPacket) =>
    on('event')(packet) && body(packet).kind === 'vm' && body(packet).state === state;

  it('announces itself: retained online status, then hello, then telemetry', async () => {
    const device = createDevice();
    await device.start();
    const status = await broker.waitForPublish(on('status'));
    const hello = await broker.waitForPublish(on('hello'));
    const telemetry = await broker.waitForPublish(on('telemetry'));

    expect(status).toMatchObject({ qos: 1, retain: true });
    expect(statusSchema.parse(body(status))).toEqual({ state: 'online' });
    expect(hello).toMatchObject({ qos: 1, retain: false });
    expect(helloSchema.parse(body(hello))).toEqual({
      board: 'nrf52840',
      vm: { kind: 'wasm', version: 'vmfleet-sim/0.1' },
      firmware: 'riot-2025.10-sim',
      limits: {
        ramBytes: 262_144,
        flashBytes: 1_048_576,
        clockHz: 64e6,
        maxChunkBytes: 1024,
        // What RIOT leaves a guest (256 KiB - 28 KiB) and half the flash after the OS.
        appRamBytes: 233_472,
        appFlashBytes: (1_048_576 - 112 * 1024) / 2,
      },
    });
    expect(telemetry.qos).toBe(0);
    const sample = telemetrySchema.parse(body(telemetry));
    expect(sample.ram.total).toBe(BOARDS.nrf52840.ramBytes);
    expect(sample.vm.state).toBe('idle');
    const order = [status, hello, telemetry].map((p) => broker.published.indexOf(p));
    expect(order).toEqual([...order].sort((a, b) => a - b));
    expect(device.stats()).toMatchObject({ connected: true, reconnects: 0, errorsReceived: 0 });
  });

  it('keeps sending telemetry at its interval with a growing uptime', async () => {
    const device = createDevice();
    await device.start();
    const samples = () => broker.published.filter(on('telemetry'));
    await broker.waitForPublish(() => samples().length >= 3);
    const uptimes = samples().map((p) => telemetrySchema.parse(body(p)).uptimeMs);
    expect(uptimes[2]).toBeGreaterThan(uptimes[0]);
    expect(device.stats().telemetrySent).toBeGreaterThanOrEqual(3);
  });

  it('speaks JSON when asked to', async () => {
    const device = createDevice({ encoding: 'json' });
    await device.start();
    const hello = await broker.waitForPublish(on('hello'));
    expect((hello.payload as Buffer).toString('utf8')).toMatch(/^\{"board":"nrf52840"/);
    expect(decodePayload(hello.payload as Buffer).encoding).toBe('json');
  });

  it('emits gateway errors it receives on its error topic', async () => {
    const device = createDevice();
    await device.start();
    const gatewayError = { code: 'invalid_message', message: 'cpu: too big', channel: 'telemetry' };
    const received = once(device, 'gateway-error');
    await new Promise<void>((resolve, reject) =>
      broker.broker.publish(
        {
          cmd: 'publish',
          topic: topicFor('dev-1', 'error'),
          payload: encodePayload(gatewayError, 'cbor'),
          qos: 1,
          retain: false,
          dup: false,
        },
        (error) => (error ? reject(error) : resolve()),
      ),
    );
    expect(await received).toEqual([gatewayError]);
    expect(device.stats().errorsReceived).toBe(1);
  });

  it('answers a cmd on its cmd topic with exactly one reply with the same id', async () => {
    const device = createDevice();
    await device.start();
    await sendCommand({ id: 'c-1', op: 'status' });
    await sendCommand({ id: 'c-2', op: 'start' });
    // Replies go out in order, so once c-2's is here any second reply to c-1 would be too.
    const second = await broker.waitForPublish(replyTo('c-2'));
    const replies = broker.published.filter(replyTo('c-1'));
    expect(replies).toHaveLength(1);
    expect(replies[0].qos).toBe(1);
    expect(replySchema.parse(body(replies[0]))).toMatchObject({
      id: 'c-1',
      ok: true,
      result: { state: 'idle', vm: 'wasm', app: null, phase: null },
    });
    expect(body(second)).toMatchObject({ id: 'c-2', ok: false, error: { code: 'no_app' } });
  });

  it('runs an app loaded over MQTT: events at QoS 1, guest memory in telemetry', async () => {
    const device = createDevice({ credentials: { ...credentials, vm: 'mips1' } });
    await device.start();
    const image = new Uint8Array(
      readFileSync(join(__dirname, '../firmware/build/mips1/fibonacci.m1')),
    );
    const app = { id: 'fib', version: '1.0.0' };
    await sendCommand({ id: 'load', op: 'load', args: { vm: 'mips1', image, app } });
    expect(body(await broker.waitForPublish(replyTo('load')))).toMatchObject({
      ok: true,
      result: { state: 'loaded', imageBytes: image.length },
    });
    await sendCommand({ id: 'start', op: 'start' });
    const stopped = await broker.waitForPublish(vmEvent('stopped'));
    expect(stopped.qos).toBe(1);
    expect(eventSchema.parse(body(stopped))).toEqual({ kind: 'vm', state: 'stopped', exitCode: 0 });
    const running = broker.published.find(vmEvent('running'));
    expect(broker.published.indexOf(running!)).toBeLessThan(broker.published.indexOf(stopped));

    const after = broker.published.length;
    const sample = await broker.waitForPublish(
      (p) => on('telemetry')(p) && broker.published.indexOf(p) >= after,
    );
    const telemetry = telemetrySchema.parse(body(sample));
    const board = BOARDS.nrf52840;
    expect(telemetry.vm).toEqual({ state: 'stopped', instructions: expect.any(Number) });
    expect(telemetry.vm.instructions).toBeGreaterThan(1_000_000);
    expect(telemetry.app).toEqual(app);
    expect(telemetry.ram.used).toBeGreaterThanOrEqual(board.osRamBytes + guestMemoryBytes(board));
    expect(telemetry.ram.peak).toBeLessThanOrEqual(board.ramBytes);
  });

  it('stops a running guest when it stops', async () => {
    const device = createDevice({ credentials: { ...credentials, vm: 'mips1' } });
    await device.start();
    const spin = testImage({ text: [asm.beq(R.zero, R.zero, -1), asm.nop()] });
    await sendCommand({ id: 'load', op: 'load', args: { vm: 'mips1', image: spin } });
    await sendCommand({ id: 'start', op: 'start' });
    await broker.waitForPublish(vmEvent('running'));
    await device.stop();
    const stopped = broker.published.find(vmEvent('stopped'));
    expect(stopped && body(stopped)).toEqual({ kind: 'vm', state: 'stopped' });
  });

  it('rejects start() on a refused token and does not retry it', async () => {
    const device = createDevice({ credentials: { ...credentials, token: 'wrong' } });
    const retries: ReconnectPlan[] = [];
    device.on('reconnecting', (plan) => retries.push(plan));

    const started = device.start();
    await expect(started).rejects.toBeInstanceOf(AuthRefusedError);
    await expect(started).rejects.toMatchObject({ code: 'auth_refused', returnCode: 4 });
    expect(retries).toEqual([]);
    expect(broker.connectionsAccepted).toBe(1);
    expect(device.stats().connected).toBe(false);
  });

  it('reconnects with backoff when the connection drops, and says hello again', async () => {
    const device = createDevice();
    await device.start();
    const disconnected = once(device, 'disconnect');
    const planned = once(device, 'reconnecting') as Promise<[ReconnectPlan]>;
    const reconnected = once(device, 'connect');
    const droppedAt = performance.now();
    broker.dropConnections();

    await disconnected;
    const [plan] = await planned;
    expect(plan.attempt).toBe(1);
    expect(plan.delayMs).toBeGreaterThanOrEqual(fastBackoff.initialMs / 2);
    expect(plan.delayMs).toBeLessThanOrEqual(fastBackoff.initialMs);
    expect(await reconnected).toEqual([{ reconnect: true }]);
    // Timers may fire a millisecond early relative to performance.now().
    expect(performance.now() - droppedAt).toBeGreaterThanOrEqual(plan.delayMs - 2);

    // The broker published the will for the dropped connection, then the device came back.
    const statuses = broker.published.filter(on('status')).map((p) => body(p).state);
    expect(statuses).toEqual(['online', 'offline', 'online']);
    await broker.waitForPublish(() => broker.published.filter(on('hello')).length === 2);
    expect(device.stats()).toMatchObject({ connected: true, reconnects: 1 });
  });

  it('backs off exponentially while the gateway refuses it after a successful start', async () => {
    const device = createDevice();
    await device.start();
    const plans: ReconnectPlan[] = [];
    const thirdRefusal = new Promise<void>((resolve) =>
      device.on('reconnecting', (plan) => {
        plans.push(plan);
        if (plans.length === 3) resolve();
      }),
    );
    broker.tokens.set('dev-1', 'rotated');
    broker.dropConnections();
    await thirdRefusal;

    expect(plans.map((p) => p.attempt)).toEqual([1, 2, 3]);
    plans.forEach((plan, i) => {
      const ceiling = fastBackoff.initialMs * 2 ** i;
      expect(plan.delayMs).toBeGreaterThanOrEqual(ceiling / 2);
      expect(plan.delayMs).toBeLessThanOrEqual(ceiling);
    });
    expect(plans[1].cause).toMatch(/Bad username or password/i);

    const back = once(device, 'connect');
    broker.tokens.set('dev-1', 'secret');
    await back;
    expect(device.stats().reconnects).toBe(1);
  });

  it('leaves a retained offline status when stopped', async () => {
    const device = createDevice();
    await device.start();
    await device.stop();

    const retained = await broker.retained(topicFor('dev-1', 'status'));
    expect(retained).not.toBeNull();
    expect(statusSchema.parse(decodePayload(retained!).value)).toEqual({ state: 'offline' });
    expect(device.stats().connected).toBe(false);
  });

  it('rejects a pending start() when stopped before it could connect', async () => {
    const unused = net.createServer().listen(0, '127.0.0.1');
    await once(unused, 'listening');
    const { port } = unused.address() as net.AddressInfo;
    await new Promise<void>((resolve) => unused.close(() => resolve()));

    const device = createDevice({ mqttUrl: `mqtt://127.0.0.1:${port}` });
    const refused = once(device, 'reconnecting');
    const started = device.start();
    await refused;
    await device.stop();
    await expect(started).rejects.toBeInstanceOf(LinkStoppedError);
  });

  it.each(['127.0.0.1:1883', 'http://127.0.0.1:3000', 'nope'])(
    'refuses the MQTT URL %j up front',
    (mqttUrl) => {
      expect(() => createDevice({ mqttUrl })).toThrow(`MQTT URL "${mqttUrl}" must look like`);
    },
  );

  it('refuses an invalid id, board or VM kind up front', () => {
    const vm = 'python' as DeviceCredentials['vm'];
    expect(() => createDevice({ credentials: { ...credentials, vm } })).toThrow(
      'device "dev-1" cannot say hello: vm.kind:',
    );
    expect(() => createDevice({ credentials: { ...credentials, id: 'a/b' } })).toThrow(
      /^invalid device id "a\/b": 1-64 chars/,
    );
    expect(() => createDevice({ credentials: { ...credentials, board: 'z80' } })).toThrow(
      /known boards: nrf52840/,
    );
  });
});
