import { once } from 'node:events';
import net from 'node:net';
import type { AedesPublishPacket } from 'aedes';
import {
  decodePayload,
  encodePayload,
  helloSchema,
  statusSchema,
  telemetrySchema,
  topicFor,
  UpChannel,
} from '../src/protocol';
import { BOARDS } from './boards';
import type { BackoffPolicy } from './link/backoff';
import { AuthRefusedError, LinkStoppedError } from './link/link-errors';
import type { ReconnectPlan } from './link/mqtt-link';
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
      limits: { ramBytes: 262_144, flashBytes: 1_048_576, clockHz: 64e6, maxChunkBytes: 1024 },
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
