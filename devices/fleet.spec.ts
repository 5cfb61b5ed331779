import { setTimeout as delay } from 'node:timers/promises';
import type { AedesPublishPacket } from 'aedes';
import { decodePayload, helloSchema, parseTopic, statusSchema } from '../src/protocol';
import { BOARD_NAMES } from './boards';
import { Fleet, FleetStartAbortedError, FleetStartError } from './fleet';
import { TestBroker } from './testing/test-broker';
import type { DeviceCredentials } from './virtual-device';

function makeCredentials(count: number): DeviceCredentials[] {
  return Array.from({ length: count }, (_, i) => ({
    id: `sim-${String(i).padStart(3, '0')}`,
    token: `token-${i}`,
    board: BOARD_NAMES[i % BOARD_NAMES.length],
    vm: i % 2 === 0 ? 'wasm' : 'ebpf',
  }));
}

function from(channel: string, packets: AedesPublishPacket[]): Map<string, unknown[]> {
  const byDevice = new Map<string, unknown[]>();
  for (const packet of packets) {
    const topic = parseTopic(packet.topic);
    if (topic?.channel !== channel) continue;
    const bodies = byDevice.get(topic.deviceId) ?? [];
    bodies.push(decodePayload(packet.payload as Buffer).value);
    byDevice.set(topic.deviceId, bodies);
  }
  return byDevice;
}

describe('Fleet over MQTT (aedes on 127.0.0.1)', () => {
  let broker: TestBroker;
  let fleet: Fleet | undefined;

  beforeEach(async () => {
    broker = await TestBroker.start();
  });

  afterEach(async () => {
    await fleet?.stop();
    fleet = undefined;
    await broker.close();
  });

  function admit(devices: DeviceCredentials[]): void {
    for (const { id, token } of devices) broker.tokens.set(id, token);
  }

  it('starts every device with bounded concurrency and reports progress', async () => {
    const devices = makeCredentials(40);
    admit(devices);
    const progress: Array<[number, number]> = [];
    let mostInFlight = 0;
    broker.onConnection = () => {
      const inFlight = broker.connectionsAccepted - progress.length;
      mostInFlight = Math.max(mostInFlight, inFlight);
    };

    fleet = await Fleet.start({
      mqttUrl: broker.url,
      devices,
      concurrency: 6,
      telemetryIntervalMs: 60_000,
      onProgress: (connected, total) => progress.push([connected, total]),
    });

    expect(progress).toEqual(devices.map((_, i) => [i + 1, 40]));
    expect(mostInFlight).toBeGreaterThan(1);
    expect(mostInFlight).toBeLessThanOrEqual(6);
    expect(fleet.stats()).toMatchObject({ total: 40, connected: 40, reconnects: 0 });

    const hellos = from('hello', broker.published);
    expect(hellos.size).toBe(40);
    for (const { id, board, vm } of devices) {
      const [hello] = hellos.get(id)!;
      expect(helloSchema.parse(hello)).toMatchObject({ board, vm: { kind: vm } });
    }
  });

  it('sums telemetry across devices and leaves every device offline when stopped', async () => {
    const devices = makeCredentials(10);
    admit(devices);
    fleet = await Fleet.start({ mqttUrl: broker.url, devices, telemetryIntervalMs: 60_000 });
    // Each device sends its first sample right after hello.
    await broker.waitForPublish(() => from('telemetry', broker.published).size === 10);

    await fleet.stop();
    expect(fleet.stats()).toMatchObject({ total: 10, connected: 0, telemetrySent: 10 });
    const statuses = from('status', broker.published);
    for (const { id } of devices) {
      expect(statuses.get(id)!.map((s) => statusSchema.parse(s).state)).toEqual([
        'online',
        'offline',
      ]);
    }
  });

  it('stops everything and names the device when one token is refused', async () => {
    const devices = makeCredentials(12);
    admit(devices);
    broker.tokens.set('sim-005', 'revoked');

    const started = Fleet.start({ mqttUrl: broker.url, devices, concurrency: 3 });
    await expect(started).rejects.toBeInstanceOf(FleetStartError);
    const error = (await started.catch((e: unknown) => e)) as FleetStartError;
    expect(error.failures.map((f) => f.deviceId)).toEqual(['sim-005']);
    expect(error.message).toMatch(/^1 of 12 devices failed to start: sim-005: gateway refused/);
    // Devices after the failed one were never started.
    const hellos = from('hello', broker.published);
    expect(hellos.has('sim-011')).toBe(false);
    for (const id of hellos.keys()) {
      expect(from('status', broker.published).get(id)!.at(-1)).toEqual({ state: 'offline' });
    }
  });

  it('keeps retrying an unavailable gateway until aborted, then stops everything', async () => {
    const devices = makeCredentials(8);
    admit(devices);
    broker.unavailable = true;
    const controller = new AbortController();
    // Abort once some devices have retried: more connections than connect slots.
    broker.onConnection = () => {
      if (broker.connectionsAccepted === 6) controller.abort();
    };

    const started = Fleet.start({
      mqttUrl: broker.url,
      devices,
      concurrency: 4,
      backoff: { initialMs: 20, maxMs: 100, jitter: 0.5 },
      signal: controller.signal,
    });
    await expect(started).rejects.toBeInstanceOf(FleetStartAbortedError);
    await expect(started).rejects.toThrow('fleet start aborted with 0 of 8 devices connected');
    expect(broker.connectionsAccepted).toBeGreaterThanOrEqual(6);

    // Absence cannot be awaited as an event: give a surviving device several backoffs
    // (at most 100 ms each) to come back to the now available gateway; none may.
    broker.unavailable = false;
    await delay(500);
    expect(from('hello', broker.published).size).toBe(0);
  });

  it('refuses a fleet in which one id appears twice', async () => {
    const [device] = makeCredentials(1);
    await expect(Fleet.start({ mqttUrl: broker.url, devices: [device, device] })).rejects.toThrow(
      'device id "sim-000" appears twice in the fleet',
    );
    expect(broker.connectionsAccepted).toBe(0);
  });
});
