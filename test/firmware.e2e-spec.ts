import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type {
  GuestHost,
  RunOutcome,
  SyscallRequest,
  SyscallResult,
} from '../devices/engines/engine';
import { Mips1Engine } from '../devices/engines/mips1';
import { mips1StaticEnd, parseMips1Image } from '../src/protocol/images/mips1-image';
import { describeWithTool } from './support/system-tools';

/**
 * The guest firmware (firmware/): committed mips1 images must rebuild byte for byte, and
 * every benchmark must print the same bytes natively and on the mips1 engine (the
 * differential test: firmware/expected/<name>.txt is the native output).
 */
const FIRMWARE = join(__dirname, '..', 'firmware');
const IMAGES = join(FIRMWARE, 'build', 'mips1');
/** The -Os build profile (make PROFILE=Os): the same programs, smaller code. */
const IMAGES_OS = join(FIRMWARE, 'build', 'mips1-Os');
const EXPECTED = join(FIRMWARE, 'expected');

/** What the images are built for: the nrf52840 guest budget (firmware/sdk/mips1/link.ld). */
const GUEST_MEMORY_BYTES = 64 * 1024;
/** The o32 argument save area above the initial $sp (docs/guest-abi.md: $sp = top - 16). */
const ARG_AREA_BYTES = 16;
const SLICE = 1_000_000;
const INSTRUCTION_CAP = 2_000_000_000;
/** Benchmarks are sized for an interpreter: between these many instructions (README). */
const BENCH_MIN_INSTRUCTIONS = 1_000_000;
const BENCH_MAX_INSTRUCTIONS = 50_000_000;

const names = (dir: string, ext: string) =>
  readdirSync(dir)
    .filter((f) => f.endsWith(ext))
    .map((f) => f.slice(0, -ext.length))
    .sort();

/** Benchmarks have an expected output; the demo apps need a HAL and Event Handler instead. */
const BENCHMARKS = ['coisa', 'embench'].flatMap((set) => names(join(FIRMWARE, 'bench', set), '.c'));
const APPS = names(join(FIRMWARE, 'apps'), '.c');
const IMAGE_NAMES = names(IMAGES, '.m1');

const readImage = (name: string, dir = IMAGES) =>
  new Uint8Array(readFileSync(join(dir, `${name}.m1`)));
const readExpected = (name: string) => readFileSync(join(EXPECTED, `${name}.txt`), 'utf8');

/** The console part of the guest ABI, deterministic: time counts calls, sleeps yield. */
class ConsoleHost implements GuestHost {
  output = '';
  private clockMs = 0;

  syscall(call: SyscallRequest): SyscallResult {
    const [a0] = call.args;
    switch (call.number) {
      case 1:
        return { kind: 'exit', code: a0 };
      case 2:
        this.output += call.memory.readCString(a0, 1024);
        return { kind: 'value', value: 0 };
      case 3:
        this.output += String(a0 | 0);
        return { kind: 'value', value: 0 };
      case 4:
        return { kind: 'value', value: this.clockMs++ };
      case 5:
        return { kind: 'yield', sleepMs: a0, value: 0 };
      case 6:
        return { kind: 'yield', sleepMs: 0, value: 0 };
      default:
        return { kind: 'fault', message: `syscall ${call.number} is not part of the console ABI` };
    }
  }
}

interface GuestRun {
  end: RunOutcome;
  output: string;
  instructions: number;
  peakGuestBytes: number;
}

function runOnMips1(image: Uint8Array): GuestRun {
  const host = new ConsoleHost();
  const engine = new Mips1Engine({ memoryBytes: GUEST_MEMORY_BYTES }, host);
  engine.load(image);
  let end: RunOutcome;
  do {
    end = engine.run(SLICE);
  } while (
    (end.kind === 'budget' || end.kind === 'yielded') &&
    engine.inspect().instructions < INSTRUCTION_CAP
  );
  return {
    end,
    output: host.output,
    instructions: engine.inspect().instructions,
    peakGuestBytes: engine.memory().peakGuestBytes,
  };
}

describe('firmware images (no toolchain needed)', () => {
  it('has a committed image for every program and an expected output for every benchmark', () => {
    expect(BENCHMARKS.length).toBeGreaterThanOrEqual(13);
    expect(IMAGE_NAMES).toEqual([...BENCHMARKS, ...APPS].sort());
    expect(names(EXPECTED, '.txt')).toEqual([...BENCHMARKS].sort());
    for (const name of BENCHMARKS) expect(readExpected(name)).toMatch(/\ncheck: ok\n$/);
  });

  it.each(IMAGE_NAMES)('%s.m1 parses and fits 64 KiB with the stack it asks for', (name) => {
    const image = parseMips1Image(readImage(name));
    expect(image.loadAddress).toBe(0x1000);
    expect(image.entry).toBe(0x1000); // crt0's _start comes first
    expect(image.stackBytes).toBeGreaterThan(0);
    expect(mips1StaticEnd(image) + image.stackBytes + ARG_AREA_BYTES).toBeLessThanOrEqual(
      GUEST_MEMORY_BYTES,
    );
  });

  it.each(BENCHMARKS)(
    '%s prints on the mips1 engine exactly what it prints natively',
    (name) => {
      const image = readImage(name);
      const run = runOnMips1(image);
      expect(run.end).toEqual({ kind: 'exited', code: 0 });
      expect(run.output).toBe(readExpected(name));
      expect(run.instructions).toBeGreaterThanOrEqual(BENCH_MIN_INSTRUCTIONS);
      expect(run.instructions).toBeLessThanOrEqual(BENCH_MAX_INSTRUCTIONS);
      // The stack the image asks for is the stack it needs.
      const parsed = parseMips1Image(image);
      const asked =
        mips1StaticEnd(parsed) - parsed.loadAddress + parsed.stackBytes + ARG_AREA_BYTES;
      expect(run.peakGuestBytes).toBeLessThanOrEqual(asked);
    },
    60_000,
  );

  it('has the same programs in the -Os profile, each with the same stack and heap', () => {
    expect(names(IMAGES_OS, '.m1')).toEqual(IMAGE_NAMES);
    for (const name of IMAGE_NAMES) {
      const o2 = parseMips1Image(readImage(name));
      const os = parseMips1Image(readImage(name, IMAGES_OS));
      expect({ name, stack: os.stackBytes }).toEqual({ name, stack: o2.stackBytes });
    }
  });

  it.each(BENCHMARKS)(
    '%s built with -Os (build/mips1-Os) prints the same on the mips1 engine',
    (name) => {
      const run = runOnMips1(readImage(name, IMAGES_OS));
      expect(run.end).toEqual({ kind: 'exited', code: 0 });
      expect(run.output).toBe(readExpected(name));
    },
    60_000,
  );
});

// make check also rebuilds the SDK's newlib and libgcc (~1.5 min on 2 idle cores).
function make(...args: string[]) {
  return spawnSync('make', ['-C', FIRMWARE, '--no-print-directory', '-s', ...args], {
    encoding: 'utf8',
    timeout: 600_000,
  });
}

describeWithTool('make', 'make', 'firmware builds (e2e)', () => {
  describeWithTool('mipsel-linux-gnu-gcc', 'gcc-mipsel-linux-gnu', 'mips1 images', () => {
    it('rebuild byte for byte from source, MIPS I instructions only (make check)', () => {
      const result = make('check');
      expect(`${result.stdout}${result.stderr}`).toContain('images reproduce byte for byte');
      expect(result.status).toBe(0);
    }, 600_000);
  });

  describeWithTool('gcc', 'gcc', 'native builds', () => {
    let buildDir: string;

    beforeAll(() => {
      buildDir = mkdtempSync(join(tmpdir(), 'vmfleet-firmware-'));
      const result = make(`BUILD=${buildDir}`, 'native');
      if (result.status !== 0) throw new Error(`make native failed:\n${result.stderr}`);
    }, 120_000);

    afterAll(() => rmSync(buildDir, { recursive: true, force: true }));

    it.each(BENCHMARKS)('%s prints its expected output and exits 0', (name) => {
      const result = spawnSync(join(buildDir, 'native', name), {
        encoding: 'utf8',
        timeout: 30_000,
      });
      expect(result.stdout).toBe(readExpected(name));
      expect(result.status).toBe(0);
    });
  });
});
