import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describeWithTool } from '../../../test/support/system-tools';
import type { RunOutcome, SyscallRequest } from '../engine';
import { EbpfEngine } from './engine';
import { FakeHost } from './testing/harness';

/**
 * The committed .rbf images (firmware/build/ebpf, built by firmware/ebpf.mk): every
 * benchmark eBPF can express prints exactly what its native build prints
 * (firmware/expected/<name>.txt): the same C, native vs ebpf.
 */
const FIRMWARE = join(__dirname, '..', '..', '..', 'firmware');
const IMAGES = join(FIRMWARE, 'build', 'ebpf');
const GUEST_MEMORY_BYTES = 64 * 1024;

const names = (dir: string, ext: string) =>
  readdirSync(dir)
    .filter((f) => f.endsWith(ext))
    .map((f) => f.slice(0, -ext.length))
    .sort();
const BENCHMARKS = ['coisa', 'embench'].flatMap((set) => names(join(FIRMWARE, 'bench', set), '.c'));
const APPS = names(join(FIRMWARE, 'apps'), '.c');
/** The -Os build profile (make PROFILE=Os ebpf). */
const IMAGES_OS = join(FIRMWARE, 'build', 'ebpf-Os');
const image = (name: string, dir = IMAGES) =>
  new Uint8Array(readFileSync(join(dir, `${name}.rbf`)));

function runToEnd(engine: EbpfEngine, cap = 100_000_000): RunOutcome {
  let end: RunOutcome;
  do end = engine.run(1_000_000);
  while ((end.kind === 'budget' || end.kind === 'yielded') && engine.inspect().instructions < cap);
  return end;
}

describe('ebpf firmware images (no toolchain needed)', () => {
  it('has an image for every program eBPF can express, and no other', () => {
    expect(names(IMAGES, '.rbf')).toEqual([...BENCHMARKS, ...APPS].sort());
  });

  it.each(BENCHMARKS)(
    '%s prints on the ebpf engine exactly what it prints natively',
    (name) => {
      const host = new FakeHost();
      const engine = new EbpfEngine({ memoryBytes: GUEST_MEMORY_BYTES }, host);
      engine.load(image(name));
      expect(runToEnd(engine)).toEqual({ kind: 'exited', code: 0 });
      expect(host.output).toBe(readFileSync(join(FIRMWARE, 'expected', `${name}.txt`), 'utf8'));
      expect(engine.memory().peakGuestBytes).toBeLessThanOrEqual(GUEST_MEMORY_BYTES);
    },
    60_000,
  );

  it('has the same programs in the -Os profile', () => {
    expect(names(IMAGES_OS, '.rbf')).toEqual(names(IMAGES, '.rbf'));
  });

  it.each(BENCHMARKS)(
    '%s built with -Os (build/ebpf-Os) prints the same on the ebpf engine',
    (name) => {
      const host = new FakeHost();
      const engine = new EbpfEngine({ memoryBytes: GUEST_MEMORY_BYTES }, host);
      engine.load(image(name, IMAGES_OS));
      expect(runToEnd(engine)).toEqual({ kind: 'exited', code: 0 });
      expect(host.output).toBe(readFileSync(join(FIRMWARE, 'expected', `${name}.txt`), 'utf8'));
    },
    60_000,
  );

  it('blink toggles LED 0 through hal_write, sleeping between toggles', () => {
    const writes: number[][] = [];
    const host = new FakeHost((call: SyscallRequest) => {
      if (call.number !== 12) return undefined;
      writes.push([...call.args.slice(0, 3)]);
      return { kind: 'value', value: 0 };
    });
    const engine = new EbpfEngine({ memoryBytes: GUEST_MEMORY_BYTES }, host);
    engine.load(image('blink'));
    expect(engine.run(10_000)).toEqual({ kind: 'yielded', sleepMs: 500 });
    expect(runToEnd(engine)).toEqual({ kind: 'exited', code: 0 });
    expect(writes).toHaveLength(10);
    expect(writes.slice(0, 2)).toEqual([
      [1, 0, 1],
      [1, 0, 0],
    ]);
    expect(host.output).toBe('blink: 10 toggles\n');
  });

  it('thermostat registers a handler whose address invoke() runs', () => {
    let handler = -1;
    const published: Array<[string, number]> = [];
    const host = new FakeHost((call: SyscallRequest) => {
      switch (call.number) {
        case 10:
          return { kind: 'value', value: 1 };
        case 31:
          handler = call.args[1];
          return { kind: 'value', value: 0 };
        case 12:
          return { kind: 'value', value: 0 };
        case 20:
          published.push([call.memory.readCString(call.args[0], 32), call.args[1]]);
          return { kind: 'value', value: 0 };
        default:
          return undefined;
      }
    });
    const engine = new EbpfEngine({ memoryBytes: GUEST_MEMORY_BYTES }, host);
    engine.load(image('thermostat'));
    expect(runToEnd(engine)).toEqual({ kind: 'exited', code: 0 });
    engine.invoke(handler, [26_000]);
    expect(engine.run(10_000).kind).toBe('returned');
    expect(published).toEqual([
      ['temperature', 26_000],
      ['fan', 1],
    ]);
  });

  it('button-counter (signed %, ISA v4 smod) publishes each press and emits every 5th', () => {
    let handler = -1;
    const published: number[] = [];
    const emitted: number[][] = [];
    const host = new FakeHost((call: SyscallRequest) => {
      switch (call.number) {
        case 30:
          handler = call.args[1];
          return { kind: 'value', value: 0 };
        case 20:
          published.push(call.args[1]);
          return { kind: 'value', value: 0 };
        case 32:
          emitted.push([call.args[0], call.args[1]]);
          return { kind: 'value', value: 0 };
        default:
          return undefined;
      }
    });
    const engine = new EbpfEngine({ memoryBytes: GUEST_MEMORY_BYTES }, host);
    engine.load(image('button-counter'));
    expect(runToEnd(engine)).toEqual({ kind: 'exited', code: 0 });
    expect(host.output).toBe('button-counter: counting presses\n');
    for (let press = 0; press < 10; press++) {
      engine.invoke(handler, [1000]);
      expect(engine.run(10_000).kind).toBe('returned');
    }
    expect(published).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(emitted).toEqual([
      [100, 5],
      [100, 10],
    ]);
  });

  it('wild-store faults with bad_address; spin is stopped by its budget', () => {
    const wild = new EbpfEngine({ memoryBytes: GUEST_MEMORY_BYTES }, new FakeHost());
    wild.load(image('wild-store'));
    expect(wild.run(10_000)).toMatchObject({
      kind: 'fault',
      fault: { code: 'bad_address', address: 0x7ffffff0 },
    });
    const spin = new EbpfEngine({ memoryBytes: GUEST_MEMORY_BYTES }, new FakeHost());
    spin.load(image('spin'));
    expect(spin.run(100_000)).toEqual({ kind: 'budget' });
  });
});

describeWithTool('clang-19', 'clang-19', 'ebpf firmware builds (e2e)', () => {
  it('rebuild byte for byte from source (make check-ebpf)', () => {
    const result = spawnSync('make', ['-C', FIRMWARE, '--no-print-directory', '-s', 'check-ebpf'], {
      encoding: 'utf8',
      timeout: 300_000,
    });
    expect(`${result.stdout}${result.stderr}`).toContain('images reproduce byte for byte');
    expect(result.status).toBe(0);
  }, 300_000);

  it('rebuild the -Os profile byte for byte (make check-ebpf PROFILE=Os)', () => {
    const result = spawnSync(
      'make',
      ['-C', FIRMWARE, '--no-print-directory', '-s', 'check-ebpf', 'PROFILE=Os'],
      { encoding: 'utf8', timeout: 300_000 },
    );
    expect(`${result.stdout}${result.stderr}`).toContain('images reproduce byte for byte (Os)');
    expect(result.status).toBe(0);
  }, 300_000);
});
