import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { VirtualDevice } from '../devices';
import type { VmKind } from '../src/protocol';
import { startTestGateway, type TestGateway, waitFor } from './support/gateway';

/**
 * The standard-C programs (firmware/bench/libc) on virtual devices, over the real wire: each
 * image is loaded through the Thing Monitor of an nrf52840 device, run to its end, and must
 * exit 0 having printed what the native build printed (firmware/expected/libc). Every
 * program on mips1 and wasm but setjmp/longjmp on wasm (jmp: it needs the exception-handling
 * proposal, beyond the MVP); eBPF has no floats, malloc or indirect calls, so it runs the
 * ones it can express (devices/engines/ebpf/README.md, "What eBPF cannot do").
 */
const FIRMWARE = join(__dirname, '..', 'firmware');
const PROGRAMS = readdirSync(join(FIRMWARE, 'bench', 'libc'))
  .filter((f) => f.endsWith('.c'))
  .map((f) => f.slice(0, -2))
  .sort();
const EXPECTED_ON: Record<string, string[]> = {
  mips1: PROGRAMS,
  wasm: PROGRAMS.filter((p) => p !== 'jmp'),
  ebpf: ['calc', 'crc64', 'format', 'sieve', 'sort', 'xorshift'],
};

const CASES: Array<[VmKind, string, string]> = [
  ['mips1', 'mips1', 'm1'],
  ['wasm-fast', 'wasm', 'wasm'],
  ['ebpf', 'ebpf', 'rbf'],
];

describe.each(CASES)('standard-C programs on a virtual %s device (e2e)', (vm, dir, ext) => {
  let gw: TestGateway;
  let device: VirtualDevice;
  const id = `libc-${vm}`;
  const programs = PROGRAMS.filter((p) =>
    existsSync(join(FIRMWARE, 'build', dir, 'libc', `${p}.${ext}`)),
  );

  const monitor = async (op: string, args?: unknown) => {
    const res = await gw.api('POST', `/api/devices/${id}/monitor`, { op, args });
    if (res.status !== 200) throw new Error(`${op}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body.result as Record<string, any>;
  };

  beforeAll(async () => {
    gw = await startTestGateway();
    const res = await gw.api('POST', '/api/devices', { id, board: 'nrf52840', vm });
    device = new VirtualDevice({
      credentials: { id, token: res.body.token, board: 'nrf52840', vm },
      transport: 'mqtt',
      mqttUrl: gw.mqttUrl,
      coapUrl: gw.coapUrl,
      telemetryIntervalMs: 60_000,
    });
    await device.start();
  });
  afterAll(async () => {
    await device.stop();
    await gw.stop();
  });

  it('has the programs it should', () => {
    expect(PROGRAMS.length).toBeGreaterThanOrEqual(15);
    expect(programs).toEqual(EXPECTED_ON[dir]);
  });

  it.each(programs)('%s prints its native output and exits 0', async (name) => {
    const image = readFileSync(join(FIRMWARE, 'build', dir, 'libc', `${name}.${ext}`));
    const expected = readFileSync(join(FIRMWARE, 'expected', 'libc', `${name}.txt`), 'utf8');
    await monitor('load', { vm, image: image.toString('base64') });
    await monitor('start');
    const status = await waitFor(
      `${name} ended`,
      async () => {
        const s = await monitor('status');
        return s.state === 'loaded' || s.state === 'running' ? null : s;
      },
      60_000,
    );
    expect({ lastEnd: status.lastEnd, console: status.console }).toEqual({
      lastEnd: { kind: 'exited', code: 0 },
      console: expected,
    });
  });
});
