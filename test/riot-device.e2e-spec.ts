import { Mips1Engine } from '../devices/engines/mips1/engine';
import { startTestGateway, TestGateway, waitFor } from './support/gateway';
import type { VirtualDevice } from '../devices';
import { deploy, firmwareImage, publishApp, startDevices, waitForDeployment } from './support/ota';
import { startRiotFleet, strictApi } from './support/riot-fleet';
import {
  CoapRelay,
  createRiotNetwork,
  RiotDevice,
  riotElf,
  RiotNetwork,
  riotNativeAvailable,
} from './support/riot-native';
import { toolsRequired } from './support/system-tools';

/**
 * Two real RIOT native64 devices running firmware/riot (one mips1, one WAMR fast) on taps
 * in a network namespace, managed end to end by the in-process gateway over CoAP: the first
 * independent implementation of protocol v1, in C.
 */
const available = riotNativeAvailable();
const describeRiot = available ? describe : describe.skip;

/** A slot in the device view (docs/protocol.md §5.2 `slots`), as the C agent encodes it. */
const emptySlot = (slot: number) => ({ slot, active: false, state: 'empty', app: null, bytes: 0 });
const slotWith = (
  slot: number,
  active: boolean,
  id: string,
  version: string,
  image: Uint8Array,
) => ({
  slot,
  active,
  state: 'complete',
  app: { id, version },
  bytes: image.length,
});

interface Riot {
  id: string;
  vm: 'mips1' | 'wasm' | 'wasm-fast';
  ext: string;
  dir: string;
  key: string;
  device: RiotDevice;
}

describeRiot('RIOT firmware devices against the gateway (native64, CoAP)', () => {
  let gw: TestGateway;
  let net: RiotNetwork;
  let relay: CoapRelay;
  const riots: Riot[] = [];
  const { api, monitor } = strictApi(() => gw, 20_000);

  beforeAll(async () => {
    const elfs = {
      mips1: riotElf('mips1'),
      wasm: riotElf('wasm'),
      'wasm-fast': riotElf('wasm-fast'),
    };
    for (const [vm, elf] of Object.entries(elfs)) {
      if (!elf && toolsRequired()) throw new Error(`no firmware/riot build for VM=${vm}`);
    }
    gw = await startTestGateway();
    net = createRiotNetwork();
    relay = await net.startRelay({ host: '127.0.0.1', port: gw.coapPort });
    const specs = [
      { vm: 'mips1' as const, ext: 'm1', dir: 'mips1', address: 'fd00:dead:beef::2' },
      { vm: 'wasm-fast' as const, ext: 'wasm', dir: 'wasm', address: 'fd00:dead:beef::3' },
      { vm: 'wasm' as const, ext: 'wasm', dir: 'wasm', address: 'fd00:dead:beef::4' },
    ];
    const fleet = await startRiotFleet(
      gw,
      net,
      specs.map((spec) => ({
        vm: spec.vm,
        elf: elfs[spec.vm]!,
        address: spec.address,
        tags: ['riot', `riot-${spec.vm}`, 'bench'],
      })),
    );
    for (const [n, member] of fleet.entries()) {
      riots.push({ ...member, vm: specs[n].vm, ext: specs[n].ext, dir: specs[n].dir });
    }
  }, 240_000);

  const virtual: VirtualDevice[] = [];
  afterAll(async () => {
    await Promise.all(virtual.map((d) => d.stop()));
    await net?.close();
    await gw?.stop();
  });

  afterEach(() => {
    // On a failure the devices' own words are what explains it.
    for (const r of riots) process.stderr.write(`--- ${r.id} (last lines)\n${r.device.tail(15)}\n`);
  });

  it('registers both devices, which come online and send telemetry with RIOT figures', async () => {
    for (const r of riots) {
      await r.device.waitForLine(/vmfleet: online/, 30_000);
      const device = await waitFor(`${r.id} online`, async () => {
        const d = await api('GET', `/api/devices/${r.id}`);
        return d.online ? d : null;
      });
      expect(device).toMatchObject({ board: 'native64', vm: { kind: r.vm } });
      // The C agent's hello (uplink_put_slots): a fresh flash, no slot active.
      expect(device.slots).toEqual([emptySlot(0), emptySlot(1)]);
      const points = await waitFor(`${r.id} telemetry`, async () => {
        const t = await api('GET', `/api/devices/${r.id}/telemetry?step=1h`);
        return t.points.length > 0 ? t.points : null;
      });
      expect(points[0].ramUsed).toBeGreaterThan(0);
      // RIOT's own accounting (telemetry `os`): malloc_monitor and stack painting.
      expect(points[0].stackUsed).toBeGreaterThan(0);
      expect(points[0].stackBytes).toBeGreaterThan(points[0].stackUsed);
      expect(points[0].heapPeak).toEqual(expect.any(Number));
      const { ramUsed, ramTotal, heapUsed, heapPeak, stackUsed, stackBytes } = points[0];
      process.stdout.write(
        `${r.id} telemetry: ${JSON.stringify({ ramUsed, ramTotal, heapUsed, heapPeak, stackUsed, stackBytes })}\n`,
      );
      expect(points[0].vmState).toBe('idle');
    }
    expect(relay.stats().errors).toEqual([]);
  }, 60_000);

  it('the Thing Monitor loads fibonacci, steps mips1 like the TypeScript engine, runs both to check: ok and reads memory', async () => {
    for (const r of riots) {
      const image = Buffer.from(firmwareImage('fibonacci', r.dir, r.ext)).toString('base64');
      const load = await monitor(r.id, 'load', { vm: r.vm, image });
      expect(load.result).toMatchObject({ state: 'loaded', imageBytes: expect.any(Number) });
    }
    const mips = riots[0];
    const step = await monitor(mips.id, 'step', { n: 10 });
    expect(step.result).toMatchObject({ executed: 10, instructions: 10 });
    const regs = await monitor(mips.id, 'registers');
    const reference = new Mips1Engine(
      { memoryBytes: 65536 },
      { syscall: () => ({ kind: 'value', value: 0 }) },
    );
    reference.load(firmwareImage('fibonacci'));
    reference.step(10);
    const expected = reference.inspect();
    expect(regs.result.pc).toBe(expected.pc);
    expect(regs.result.registers).toEqual(expected.registers);
    // 1024 bytes come back as 2048 hex digits: a reply the device sends with Block1.
    const memory = await monitor(mips.id, 'memory', { address: 0x1000, length: 1024 });
    expect(memory.result.hex).toBe(
      Buffer.from(firmwareImage('fibonacci').subarray(32, 32 + 1024)).toString('hex'),
    );
    for (const r of riots) {
      const from = r.device.lines.length;
      await monitor(r.id, 'start');
      await r.device.waitForLine(/check: ok/, 60_000, from);
      await waitFor(
        `${r.id} stopped`,
        async () => (await monitor(r.id, 'status')).result.state === 'stopped',
        30_000,
      );
    }
  }, 180_000);

  it('an injected button runs the guest handler and its publish arrives as an event', async () => {
    for (const r of riots) {
      const image = Buffer.from(firmwareImage('button-counter', r.dir, r.ext)).toString('base64');
      await monitor(r.id, 'load', { vm: r.vm, image });
      await monitor(r.id, 'start');
      await waitFor(
        `${r.id} serving`,
        async () => (await monitor(r.id, 'status')).result.phase === 'serving',
        20_000,
      );
      const inject = await monitor(r.id, 'inject', { event: 1 });
      expect(inject.result.queued).toBe(true);
      await waitFor(
        `${r.id}: the press published`,
        async () => {
          const events = await api('GET', `/api/devices/${r.id}/events?kind=publish`);
          return events.items.some(
            (e: { name: string; value: number }) => e.name === 'presses' && e.value === 1,
          );
        },
        20_000,
      );
      await monitor(r.id, 'stop');
    }
  }, 120_000);

  it('a signed deployment of blink runs; a faulty version is rolled back; a tampered manifest and a foreign signature are refused', async () => {
    for (const r of riots) {
      await publishApp(gw, `blink-${r.vm}`, '1.0.0', firmwareImage('blink', r.dir, r.ext), r.vm);
      await publishApp(
        gw,
        `blink-${r.vm}`,
        '2.0.0',
        firmwareImage('wild-store', r.dir, r.ext),
        r.vm,
      );
    }
    const slotsOf = async (r: Riot) => (await api('GET', `/api/devices/${r.id}`)).slots;
    for (const r of riots) {
      const blink = firmwareImage('blink', r.dir, r.ext);
      const good = await deploy(gw, {
        app: { name: `blink-${r.vm}`, version: '1.0.0' },
        target: { tag: `riot-${r.vm}` },
        healthWindowMs: 1500,
      });
      const v1 = await waitForDeployment(
        gw,
        good,
        `${r.id} v1`,
        (d) => d.status === 'completed',
        60_000,
      );
      expect(v1.targets[0].history.map((h) => h.state).join()).toBe(
        'pending,offered,transferring,verifying,installed,running,healthy',
      );
      // From the C agent's OTA reports: the first install went into slot 0.
      await expect(slotsOf(r)).resolves.toEqual([
        slotWith(0, true, `blink-${r.vm}`, '1.0.0', blink),
        emptySlot(1),
      ]);
      const bad = await deploy(gw, {
        app: { name: `blink-${r.vm}`, version: '2.0.0' },
        target: { tag: `riot-${r.vm}` },
        healthWindowMs: 3000,
        failureThreshold: 100,
      });
      const v2 = await waitForDeployment(
        gw,
        bad,
        `${r.id} v2 rolled back`,
        (d) => ['rolled-back', 'failed'].includes(d.targets[0].state),
        60_000,
      );
      expect(v2.targets[0]).toMatchObject({ state: 'rolled-back', code: 'app_fault' });
      // Reverted: slot 0 runs again, slot 1 (where 2.0.0 went) is emptied.
      await expect(slotsOf(r)).resolves.toEqual([
        slotWith(0, true, `blink-${r.vm}`, '1.0.0', blink),
        emptySlot(1),
      ]);
      await waitFor(`${r.id} runs blink 1.0.0 again`, async () => {
        const s = (await monitor(r.id, 'status')).result;
        // blink sleeps through ten toggles, then exits 0: running, or stopped cleanly.
        return s.app?.version === '1.0.0' && s.state !== 'faulted' ? s : null;
      });
    }
    // A manifest changed on its way (one byte of the app name, inside the signed payload)
    // is refused by the device's Ed25519 check; so is one signed by another key.
    const mips = riots[0];
    const name = Buffer.from(`blink-${mips.vm}`);
    relay.tamper((datagram) => {
      const at = datagram.indexOf(name);
      if (at < 0) return datagram;
      const copy = Buffer.from(datagram);
      copy[at] ^= 0x01; // "blink" -> "clink"
      return copy;
    });
    await publishApp(
      gw,
      `blink-${mips.vm}`,
      '3.0.0',
      firmwareImage('blink', mips.dir, mips.ext),
      mips.vm,
    );
    const tampered = await deploy(gw, {
      app: { name: `blink-${mips.vm}`, version: '3.0.0' },
      target: { tag: 'riot-mips1' },
    });
    const refusedTampered = await waitForDeployment(
      gw,
      tampered,
      'tampered refused',
      (d) => d.targets[0].state === 'failed',
      30_000,
    );
    relay.tamper(null);
    expect(refusedTampered.targets[0].code).toBe('bad_signature');
    await mips.device.shell(`vmfleet key ${'ab'.repeat(32)}`, /key set/);
    await publishApp(
      gw,
      `blink-${mips.vm}`,
      '4.0.0',
      firmwareImage('blink', mips.dir, mips.ext),
      mips.vm,
    );
    const foreign = await deploy(gw, {
      app: { name: `blink-${mips.vm}`, version: '4.0.0' },
      target: { tag: 'riot-mips1' },
    });
    const refused = await waitForDeployment(
      gw,
      foreign,
      'refused',
      (d) => d.targets[0].state === 'failed',
      30_000,
    );
    expect(refused.targets[0].code).toBe('bad_signature');
    await mips.device.shell(`vmfleet key ${mips.key}`, /key set/);
  }, 240_000);

  it('a coisa campaign over both RIOT devices and a virtual one reports RIOT figures beside the simulation', async () => {
    for (const vm of ['mips1', 'wasm', 'wasm-fast'] as const) {
      virtual.push(
        ...(await startDevices(gw, { prefix: `sim-${vm}`, count: 1, vm, tags: ['bench'] })),
      );
    }
    const res = await gw.api('POST', '/api/benchmarks', {
      suite: 'coisa',
      target: { tag: 'bench' },
      repetitions: 1,
      native: false,
      sequential: true,
    });
    expect(res.status).toBe(201);
    const id = res.body.id as number;
    const done = await waitFor(
      'campaign finished',
      async () => {
        const c = (await gw.api('GET', `/api/benchmarks/${id}`)).body;
        return c.status !== 'running' ? c : null;
      },
      600_000,
    );
    const runs = (await gw.api('GET', `/api/benchmarks/${id}/runs`)).body;
    const items: {
      deviceId: string;
      status: string;
      program: string;
      reason: string | null;
      execMs: number;
    }[] = runs.items ?? runs;
    const bad = items
      .filter((r) => r.status !== 'ok')
      .map((r) => `${r.deviceId} ${r.program}: ${r.reason}`);
    expect(bad).toEqual([]);
    expect(done).toMatchObject({ status: 'completed', plannedRuns: 48, recordedRuns: 48 });
    expect(done.counts).toMatchObject({ ok: 48, invalid: 0, failed: 0, missing: 0 });
    const devices = [
      'riot-mips1',
      'riot-wasm',
      'riot-wasm-fast',
      'sim-mips1-01',
      'sim-wasm-01',
      'sim-wasm-fast-01',
    ];
    for (const deviceId of devices) {
      const mine = items.filter((r) => r.deviceId === deviceId);
      expect(mine).toHaveLength(8);
      expect(mine.every((r) => r.execMs > 0)).toBe(true);
    }
    const md = (await gw.api('GET', `/api/benchmarks/${id}/report?format=md`)).body as string;
    expect(md).toContain('wamr-2.1.1');
    expect(md).toContain('c-1.0.0');
    // Execution time per device (the report pools a VM kind's engines): RIOT's C engines
    // beside the TypeScript ones, for the closing note and for anyone reading the log.
    const table = [
      '| program | ' + devices.join(' | ') + ' |',
      '|---|' + devices.map(() => '---|').join(''),
    ];
    for (const program of [...new Set(items.map((r) => r.program))].sort()) {
      const cells = devices.map((d) =>
        items.find((r) => r.deviceId === d && r.program === program)?.execMs.toFixed(2),
      );
      table.push(`| ${program} | ${cells.join(' | ')} |`);
    }
    process.stdout.write(`execMs per device (coisa, native64 host):\n${table.join('\n')}\n`);
  }, 660_000);

  /** The two slots in slot order. */
  const inOrder = <S extends { slot: number }>(a: S, b: S) =>
    [a, b].sort((x, y) => x.slot - y.slot);
  /** The mips1 device's slots once big-mips1 runs (what it replaced kept in the other slot). */
  let afterBig: unknown[] = [];

  it('a device killed mid-transfer comes back from its flash and resumes the download', async () => {
    const mips = riots[0];
    const image = firmwareImage('tarfind');
    // What runs now (blink 1.0.0, or the last benchmark when the campaign ran before).
    type Slot = ReturnType<typeof slotWith>;
    const slotsBefore = (await api('GET', `/api/devices/${mips.id}`)).slots as Slot[];
    const running = slotsBefore.find((s) => s.active)!;
    expect(running).toMatchObject({ state: 'complete' });
    await publishApp(gw, 'big-mips1', '1.0.0', image, 'mips1');
    relay.throttle(60); // ~one 1 KiB block per 60 ms: time to pull the plug mid-way
    const id = await deploy(gw, {
      app: { name: 'big-mips1', version: '1.0.0' },
      target: { tag: 'riot-mips1' },
      healthWindowMs: 500,
    });
    await waitForDeployment(gw, id, 'a few blocks sent', (d) => d.targets[0].bytesSent >= 4096);
    // The `transferring` report: big-mips1 goes over the other slot, nothing in it yet.
    const partial = (bytes: number) => ({
      slot: 1 - running.slot,
      active: false,
      state: 'partial',
      app: { id: 'big-mips1', version: '1.0.0' },
      bytes,
    });
    await expect(api('GET', `/api/devices/${mips.id}`)).resolves.toMatchObject({
      slots: inOrder(running, partial(0)),
    });
    const from = mips.device.lines.length;
    await mips.device.restart();
    await mips.device.waitForLine(/provisioned as riot-mips1 \(from flash\)/, 15_000, from);
    const resumed = await mips.device.waitForLine(
      /update \d+: big-mips1@1\.0\.0, \d+ bytes from \d+/,
      30_000,
      from,
    );
    const offset = Number(/from (\d+)/.exec(resumed)![1]);
    // Blocks in flight when the plug was pulled are fetched again; those written are not.
    expect(offset).toBeGreaterThanOrEqual(2048);
    expect(offset % 1024).toBe(0);
    expect(offset).toBeLessThan(image.length);
    // The hello after the reboot read the slot table back from flash: as far as it got.
    // (Still throttled: the rest of the transfer takes a second, the report that ends it later.)
    await expect(api('GET', `/api/devices/${mips.id}`)).resolves.toMatchObject({
      slots: inOrder(running, partial(offset)),
    });
    relay.throttle(0);
    const done = await waitForDeployment(
      gw,
      id,
      'healthy after the restart',
      (d) => d.status === 'completed',
      60_000,
    );
    expect(done.targets[0].state).toBe('healthy');
    const status = (await monitor(mips.id, 'status')).result;
    expect(status.app).toEqual({ id: 'big-mips1', version: '1.0.0' });
    // Both slots from the C device: the update runs, what it replaced stays beside it.
    afterBig = inOrder(
      { ...running, active: false },
      slotWith(1 - running.slot, true, 'big-mips1', '1.0.0', image),
    );
    const view = await api('GET', `/api/devices/${mips.id}`);
    expect(view.slots).toEqual(afterBig);
  }, 120_000);

  it('after a gateway restart the devices register again (4.01 on their old session) and come back online', async () => {
    const port = gw.coapPort;
    await gw.restartable();
    gw = await startTestGateway({ VMFLEET_COAP_PORT: String(port) }, { dataDir: gw.dataDir });
    for (const r of riots) {
      await waitFor(
        `${r.id} online again`,
        async () => ((await api('GET', `/api/devices/${r.id}`)).online ? true : null),
        40_000,
      );
    }
    const status = (await monitor(riots[0].id, 'status')).result;
    expect(status.app).toEqual({ id: 'big-mips1', version: '1.0.0' });
    // The registration's hello read them back from flash.
    const view = await api('GET', `/api/devices/${riots[0].id}`);
    expect(view.slots).toEqual(afterBig);
  }, 90_000);
});
