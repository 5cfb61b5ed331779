import { createHash, generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { helloSchema } from '../src/protocol';
import { type Manifest, signManifest } from '../src/protocol/manifest';
import { TestCoapGateway } from './testing/test-coap-gateway';
import { VirtualDevice, type VirtualDeviceOptions } from './virtual-device';

const gatewayKey = generateKeyPairSync('ed25519');
const signingKey = Buffer.from(
  gatewayKey.publicKey.export({ format: 'jwk' }).x ?? '',
  'base64url',
).toString('base64');

describe('VirtualDevice over CoAP (coap server on 127.0.0.1)', () => {
  let gateway: TestCoapGateway;
  const devices: VirtualDevice[] = [];

  beforeEach(async () => {
    gateway = await TestCoapGateway.start();
    gateway.tokens.set('dev-1', 'secret');
  });

  afterEach(async () => {
    await Promise.all(devices.splice(0).map((device) => device.stop()));
    await gateway.close();
  });

  function createDevice(overrides: Partial<VirtualDeviceOptions> = {}): VirtualDevice {
    const device = new VirtualDevice({
      credentials: { id: 'dev-1', token: 'secret', board: 'esp32', vm: 'mips1', signingKey },
      transport: 'coap',
      coapUrl: gateway.url,
      telemetryIntervalMs: 50,
      backoff: { initialMs: 20, maxMs: 200, jitter: 0 },
      ...overrides,
    });
    devices.push(device);
    return device;
  }

  const uplinks = (channel: string) => gateway.uplinks.filter((u) => u.channel === channel);

  it('registers with a hello whose chunk limit fits one Block2 block, then sends telemetry', async () => {
    const device = createDevice();
    await device.start();
    const hello = helloSchema.parse(gateway.registrations[0].hello);
    expect(hello.limits.maxChunkBytes).toBe(1024); // esp32 buffers 4096; a block holds 1024
    await gateway.until(() => uplinks('telemetry').length >= 2, 'telemetry');
    expect(uplinks('telemetry')[0].confirmable).toBe(false);
    expect(device.stats()).toMatchObject({ connected: true, reconnects: 0 });
  });

  it('needs the URL of its transport', () => {
    expect(() => createDevice({ coapUrl: undefined })).toThrow('needs coapUrl');
  });

  it('answers a cmd notification with one reply, as a CON', async () => {
    const device = createDevice();
    await device.start();
    gateway.notify('dev-1', 'cmd', { id: 'c1', op: 'status' });
    await gateway.until(() => uplinks('reply').length === 1, 'the reply');
    expect(uplinks('reply')[0]).toMatchObject({
      confirmable: true,
      body: { id: 'c1', ok: true, result: { state: 'idle' } },
    });
  });

  it('pulls an OTA payload block by block with Block2 and installs it', async () => {
    const payload = readFileSync(join(__dirname, '../firmware/build/mips1/fibonacci.m1'));
    const manifest: Manifest = {
      name: 'fib',
      version: '1.0.0',
      vm: 'mips1',
      size: payload.length,
      sha256: createHash('sha256').update(payload).digest(),
      sequence: 1,
      needs: { ramBytes: 4096, flashBytes: payload.length, stackBytes: 1024 },
      createdAt: 0,
    };
    gateway.otaPayloads.set(7, payload);
    const device = createDevice({
      credentials: { id: 'dev-1', token: 'secret', board: 'nrf52840', vm: 'mips1', signingKey },
    });
    await device.start();
    const offer = { op: 'offer', deployment: 7, healthWindowMs: 0 };
    gateway.notify('dev-1', 'update', {
      ...offer,
      manifest: signManifest(manifest, gatewayKey.privateKey, 'k'),
    });

    const states = () => uplinks('ota').map((u) => u.body.state);
    await gateway.until(() => states().includes('installed'), 'the installed report');
    // 2312 bytes: two 1024-byte blocks, then the last 264 bytes as block 4 of 512.
    expect(gateway.otaBlocks).toEqual([
      { num: 0, more: false, szx: 6 },
      { num: 1, more: false, szx: 6 },
      { num: 4, more: false, szx: 5 },
    ]);
    expect(states().slice(0, 3)).toEqual(['transferring', 'verifying', 'installed']);
    expect(device.vmStatus().app).toEqual({ id: 'fib', version: '1.0.0' });
  });
});
