import { VirtualDevice } from '../devices';
import type { VmKind } from '../src/protocol';
import { startTestGateway, type TestGateway, waitFor } from './support/gateway';
import { firmwareImage } from './support/ota';

/**
 * The Thing Monitor over the real wire for the static VMs other than mips1: load, step,
 * registers (eBPF r0–r10; wasm frame, locals and operand stack), memory, run to the end.
 * One device on MQTT, one on CoAP.
 */
describe.each([
  ['ebpf', 'ebpf', 'rbf', 'mqtt'],
  ['wasm', 'wasm', 'wasm', 'coap'],
  ['wasm-fast', 'wasm', 'wasm', 'mqtt'],
] as const)('Thing Monitor on %s (e2e)', (vm: VmKind, dir, ext, transport) => {
  let gw: TestGateway;
  let device: VirtualDevice;
  const id = `tm-${vm}`;

  const monitor = async (op: string, args?: unknown) => {
    const res = await gw.api('POST', `/api/devices/${id}/monitor`, { op, args });
    if (res.status !== 200) throw new Error(`${op}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body.result as Record<string, any>;
  };

  beforeEach(async () => {
    gw = await startTestGateway();
    const res = await gw.api('POST', '/api/devices', { id, board: 'nrf52840', vm });
    device = new VirtualDevice({
      credentials: { id, token: res.body.token, board: 'nrf52840', vm },
      transport,
      mqttUrl: gw.mqttUrl,
      coapUrl: gw.coapUrl,
      telemetryIntervalMs: 60_000,
    });
    await device.start();
  });
  afterEach(async () => {
    await device.stop();
    await gw.stop();
  });

  it(`loads, steps and inspects fibonacci over ${transport}, then runs it to its end`, async () => {
    const image = firmwareImage('fibonacci', dir, ext);
    const loaded = await monitor('load', { vm, image: Buffer.from(image).toString('base64') });
    expect(loaded).toMatchObject({ state: 'loaded', imageBytes: image.length });
    const before = await monitor('registers');
    const stepped = await monitor('step', { n: 25 });
    expect(stepped).toMatchObject({ executed: 25, outcome: 'budget' });
    const after = await monitor('registers');
    expect(after.instructions).toBe(before.instructions + 25);
    expect(after.pc).not.toBe(before.pc);
    if (vm === 'ebpf') {
      for (let r = 0; r <= 10; r++) expect(after.registers).toHaveProperty(`r${r}`);
      // r10 is the frame pointer: the top of the 512-byte stack region, never moved.
      expect(after.registers.r10).toBe(before.registers.r10);
    } else {
      expect(after.functionIndex).toEqual(expect.any(Number));
      expect(after.locals).toEqual(expect.any(Array));
      expect(after.valueStack).toEqual(expect.any(Array));
      expect(after.callStack.length).toBeGreaterThanOrEqual(1);
      expect(after.registers).toMatchObject({ depth: expect.any(Number) });
    }
    // eBPF memory is regions (rodata at 0x10000000); address 0 is none of them.
    const address = vm === 'ebpf' ? 0x1000_0000 : 0;
    const memory = await monitor('memory', { address, length: 16 });
    expect(memory.hex).toMatch(/^[0-9a-f]{32}$/);
    await monitor('reset');
    await monitor('start');
    const status = await waitFor('the run ended', async () => {
      const s = await monitor('status');
      return s.state === 'exited' || s.state === 'stopped' ? s : null;
    });
    expect(status.console).toContain('check: ok');
  });
});
