import { generateKeyPairSync } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { VirtualDevice } from '../devices';
import { startTestGateway, TestGateway, waitFor } from './support/gateway';
import { startTamperProxy } from './support/tamper-proxy';
import { deploy, firmwareImage, publishApp, startDevices, waitForDeployment } from './support/ota';

const CHUNK = 1024; // nrf52840's buffer: what its devices fetch at a time
const app = (name: string, version: string) => ({ name, version });

describe('OTA refusals, skips and resumed transfers (e2e)', () => {
  let gw: TestGateway;
  let devices: VirtualDevice[] = [];

  beforeEach(async () => {
    gw = await startTestGateway();
  });
  afterEach(async () => {
    await Promise.all(devices.map((d) => d.stop()));
    devices = [];
    await gw.stop();
  });

  /** A device that trusts another gateway's key: to it, every manifest from this one is forged. */
  async function startStranger(id: string, tags: string[]): Promise<VirtualDevice> {
    const foreignKey = generateKeyPairSync('ed25519').publicKey.export({ format: 'jwk' }).x!;
    const res = await gw.api('POST', '/api/devices', { id, board: 'nrf52840', vm: 'mips1', tags });
    const device = new VirtualDevice({
      credentials: {
        id,
        token: res.body.token,
        board: 'nrf52840',
        vm: 'mips1',
        signingKey: Buffer.from(foreignKey, 'base64url').toString('base64'),
      },
      mqttUrl: gw.mqttUrl,
      telemetryIntervalMs: 60_000,
    });
    await device.start();
    return device;
  }

  const finalOf = async (id: number) =>
    waitForDeployment(gw, id, 'every device final', (d) => d.status !== 'running');

  it('resumes a transfer cut mid-way from the last verified offset, re-sending at most one chunk', async () => {
    const image = firmwareImage('tarfind'); // 22 KiB: 23 chunks
    devices = await startDevices(gw, {
      prefix: 'cut',
      count: 1,
      options: { otaPaceMs: 40 },
    });
    const [device] = devices;
    await publishApp(gw, 'big', '1.0.0', image);
    const id = await deploy(gw, {
      app: app('big', '1.0.0'),
      target: { devices: ['cut-01'] },
      healthWindowMs: 100,
    });
    await waitFor(
      'a third of the app on the device',
      () => device.slots!.resumeOffset >= 8 * CHUNK,
    );
    device.dropConnection();
    const cutAt = device.slots!.resumeOffset;
    expect(cutAt).toBeLessThan(image.length);
    const done = await finalOf(id);
    expect(done.status).toBe('completed');
    const [target] = done.targets;
    expect(target.state).toBe('healthy');
    expect(device.stats().reconnects).toBeGreaterThanOrEqual(1);
    // Everything once, plus at most the chunk that was in flight when the link went down.
    expect(target.bytesSent).toBeGreaterThanOrEqual(image.length);
    expect(target.bytesSent - image.length).toBeLessThanOrEqual(CHUNK);
    // The device said where it continued: not at 0.
    const transferring = target.history.filter((h) => h.state === 'transferring');
    expect(transferring).toHaveLength(1);
  }, 30_000);

  it('refuses a payload tampered in transit and a manifest signed by another key, and reports why', async () => {
    const proxy = await startTamperProxy(gw.mqttPort);
    try {
      const [victim] = await startDevices(gw, {
        prefix: 'mitm',
        count: 1,
        tags: ['t'],
        options: { mqttUrl: proxy.url },
      });
      devices = [victim, await startStranger('stranger-01', ['t'])];
      // 3 KiB: three full chunks, each large enough for the proxy to tamper with.
      await publishApp(gw, 'demo', '1.0.0', firmwareImage('md5sum'));
      const id = await deploy(gw, {
        app: app('demo', '1.0.0'),
        target: { tag: 't' },
        failureThreshold: 100,
      });
      const done = await finalOf(id);
      const byDevice = Object.fromEntries(done.targets.map((t) => [t.deviceId, t]));
      expect(proxy.tampered).toBe(1);
      expect(byDevice['mitm-01']).toMatchObject({ state: 'failed', code: 'digest_mismatch' });
      expect(byDevice['mitm-01'].reason).toMatch(/SHA-256 differs from the signed manifest/);
      expect(byDevice['stranger-01']).toMatchObject({ state: 'failed', code: 'bad_signature' });
      // Refused at the offer: the stranger never fetched a byte.
      expect(byDevice['stranger-01'].bytesSent).toBe(0);
      // Neither runs anything it could not trust.
      for (const d of devices) expect(d.vmStatus().app).toBeNull();
    } finally {
      await proxy.close();
    }
  }, 30_000);

  it('fails the update of every device when the stored payload is damaged', async () => {
    devices = await startDevices(gw, { prefix: 'dmg', count: 2, tags: ['d'] });
    const published = await publishApp(gw, 'demo', '1.0.0', firmwareImage('blink'));
    const sha = String(published.sha256);
    const blob = path.join(gw.dataDir, 'blobs', sha.slice(0, 2), sha);
    const bytes = fs.readFileSync(blob);
    bytes[bytes.length - 1] ^= 0xff;
    fs.writeFileSync(blob, bytes);
    const id = await deploy(gw, { app: app('demo', '1.0.0'), target: { tag: 'd' } });
    const done = await finalOf(id);
    expect(done.status).toBe('halted');
    for (const t of done.targets) {
      expect(t).toMatchObject({ state: 'failed', code: 'payload_unavailable' });
      expect(t.reason).toMatch(/is damaged/);
    }
  }, 30_000);

  it('refuses a downgrade to a lower sequence number', async () => {
    devices = await startDevices(gw, { prefix: 'dg', count: 2, tags: ['dg'] });
    await publishApp(gw, 'demo', '1.0.0', firmwareImage('blink'));
    await publishApp(gw, 'demo', '2.0.0', firmwareImage('thermostat'));
    const up = await deploy(gw, {
      app: app('demo', '2.0.0'),
      target: { tag: 'dg' },
      healthWindowMs: 100,
    });
    expect((await finalOf(up)).counts.healthy).toBe(2);
    const down = await deploy(gw, {
      app: app('demo', '1.0.0'),
      target: { tag: 'dg' },
      failureThreshold: 100,
    });
    const done = await finalOf(down);
    for (const t of done.targets) {
      expect(t).toMatchObject({ state: 'failed', code: 'downgrade' });
      expect(t.reason).toMatch(/sequence 1 is not above the running app's 2/);
    }
    for (const d of devices) expect(d.vmStatus().app).toEqual({ id: 'demo', version: '2.0.0' });
  }, 30_000);

  it('skips devices of another VM kind or too small before sending anything', async () => {
    devices = [
      ...(await startDevices(gw, { prefix: 'fit', count: 2, tags: ['mix'] })),
      ...(await startDevices(gw, { prefix: 'wasm', count: 1, vm: 'wasm', tags: ['mix'] })),
      ...(await startDevices(gw, { prefix: 'tiny', count: 1, board: 'atmega328', tags: ['mix'] })),
    ];
    await publishApp(gw, 'demo', '1.0.0', firmwareImage('blink'));
    const id = await deploy(gw, {
      app: app('demo', '1.0.0'),
      target: { tag: 'mix' },
      healthWindowMs: 100,
    });
    const done = await finalOf(id);
    const byDevice = Object.fromEntries(done.targets.map((t) => [t.deviceId, t]));
    expect(byDevice['wasm-01']).toMatchObject({ state: 'skipped', code: 'incompatible' });
    expect(byDevice['wasm-01'].reason).toBe('device runs wasm, app is for mips1');
    expect(byDevice['tiny-01']).toMatchObject({ state: 'skipped', code: 'incompatible' });
    expect(byDevice['tiny-01'].reason).toMatch(/app needs \d+ bytes of RAM, device grants \d+/);
    for (const skipped of [byDevice['wasm-01'], byDevice['tiny-01']]) {
      expect(skipped.history.map((h) => h.state)).toEqual(['pending', 'skipped']);
      expect(skipped.bytesSent).toBe(0);
    }
    expect(done).toMatchObject({ status: 'completed', counts: { healthy: 2, skipped: 2 } });
  }, 30_000);

  it('fails a first install the device cannot load as image_rejected, and the device stays up with no app', async () => {
    // A firmware built without the engine: nothing to go back to, and nothing may throw.
    const refuse = () => {
      throw new Error('this firmware has no mips1 engine');
    };
    devices = await startDevices(gw, {
      prefix: 'noengine',
      count: 1,
      tags: ['noengine'],
      options: { createEngine: refuse },
    });
    await publishApp(gw, 'demo', '1.0.0', firmwareImage('blink'));
    const id = await deploy(gw, { app: app('demo', '1.0.0'), target: { tag: 'noengine' } });
    const done = await finalOf(id);
    expect(done.targets[0]).toMatchObject({ state: 'failed', code: 'image_rejected' });
    expect(done.targets[0].reason).toMatch(/no mips1 engine/);
    const [device] = devices;
    expect(device.vmStatus()).toMatchObject({ app: null });
    expect(device.slots?.current).toBeNull();
    // Still reachable: the monitor answers.
    const status = await gw.api('POST', `/api/devices/${device.id}/monitor`, { op: 'status' });
    expect(status).toMatchObject({ status: 200, body: { result: { app: null } } });
  }, 30_000);
});
