import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunOutcome, SyscallRequest, SyscallResult } from '../devices/engines/engine';
import { Mips1Engine } from '../devices/engines/mips1';
import { describeWithTool, requireTool } from './support/system-tools';

/**
 * The C mips1 engine of the RIOT firmware (firmware/riot/vm/mips1), built for the host
 * with its runner (firmware/riot/tests/host-mips1/run-m1), against the TypeScript
 * Mips1Engine: the same images must print the same output, stop at the same pc with the
 * same registers and instruction count, fault the same way and be refused with the same
 * code. The TS engine is the reference: each expectation compares against what it does.
 */
const FIRMWARE = join(__dirname, '..', 'firmware');
const IMAGES = join(FIRMWARE, 'build', 'mips1');
const EXPECTED = join(FIRMWARE, 'expected');
const HOST_BUILD = join(FIRMWARE, 'riot', 'tests', 'host-mips1');
/** run-m1's default guest memory, the firmware's VMFLEET_GUEST_RAM. */
const MEMORY_BYTES = 65536;
const SLICE = 1_000_000;

const BENCHMARKS = readdirSync(EXPECTED)
  .filter((f) => f.endsWith('.txt'))
  .map((f) => f.slice(0, -4))
  .sort();
const imagePath = (name: string) => join(IMAGES, `${name}.m1`);
const readImage = (path: string) => new Uint8Array(readFileSync(path));

interface Exec {
  status: number | null;
  stdout: string;
  stderr: string;
}

function exec(file: string, args: string[], timeout = 60_000): Promise<Exec> {
  return new Promise((resolve) => {
    execFile(
      file,
      args,
      { encoding: 'utf8', timeout, maxBuffer: 1 << 24 },
      (err, stdout, stderr) => {
        const status = err === null ? 0 : typeof err.code === 'number' ? err.code : null;
        resolve({ status, stdout, stderr });
      },
    );
  });
}

/** The runner's console host, in TS: output captured, sleeps and yields resume at once. */
class ConsoleHost {
  output = '';
  syscall({ number, args, memory }: SyscallRequest): SyscallResult {
    switch (number) {
      case 1:
        return { kind: 'exit', code: args[0] };
      case 2:
        this.output += memory.readCString(args[0], 1024);
        return { kind: 'value', value: 0 };
      case 3:
        this.output += String(args[0] | 0);
        return { kind: 'value', value: 0 };
      case 5:
      case 6:
        return { kind: 'yield', sleepMs: 0, value: 0 };
      default:
        return { kind: 'fault', message: `unknown syscall ${number}` };
    }
  }
}

function tsEngine(image: Uint8Array) {
  const host = new ConsoleHost();
  const engine = new Mips1Engine({ memoryBytes: MEMORY_BYTES }, host);
  engine.load(image);
  return { engine, host };
}

/** Runs to the end the way run-m1 (and vm-runner.ts) does: slices, yields resumed. */
function tsRun(image: Uint8Array, budget = 20_000_000_000) {
  const { engine, host } = tsEngine(image);
  let end: RunOutcome;
  let used = 0;
  do {
    end = engine.run(Math.min(SLICE, budget - used));
    used = engine.inspect().instructions;
  } while (end.kind === 'yielded' || (end.kind === 'budget' && used < budget));
  return { end, engine, output: host.output };
}

/** What run-m1 --step prints: key=value lines. */
function keyValues(stdout: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of stdout.split('\n')) {
    const m = /^(\w+)=(.*)$/.exec(line);
    if (m) out[m[1]] = m[2];
  }
  return out;
}

const hex8 = (n: number) => `0x${(n >>> 0).toString(16).padStart(8, '0')}`;

/** The TS engine's state after step(n), in run-m1's words. */
function tsStep(image: Uint8Array, n: number): Record<string, string> {
  const { engine } = tsEngine(image);
  const outcome = engine.step(n);
  const inspection = engine.inspect();
  const expected: Record<string, string> = {
    outcome: outcome.kind,
    state: inspection.state,
    instructions: String(inspection.instructions),
  };
  for (const [name, value] of Object.entries(inspection.registers)) expected[name] = hex8(value);
  if (outcome.kind === 'fault') {
    expected.fault = outcome.fault.code;
    expected.fault_pc = hex8(outcome.fault.pc);
    if (outcome.fault.address !== undefined) expected.fault_address = hex8(outcome.fault.address);
  }
  if (outcome.kind === 'exited') expected.value = String(outcome.code);
  return expected;
}

/** The stable code a TS load refusal carries (ImageError or Mips1LoadError). */
function tsLoadError(image: Uint8Array): string {
  try {
    tsEngine(image);
  } catch (err) {
    return (err as { code?: string }).code ?? `no code: ${(err as Error).message}`;
  }
  return 'loaded';
}

const HAS_MAKE = requireTool('make', 'make');

describeWithTool('gcc', 'gcc', 'RIOT mips1 engine, host build (C vs TS)', () => {
  let buildDir: string;
  let runM1: string;
  const run = (...args: string[]) => exec(runM1, args);

  beforeAll(async () => {
    if (!HAS_MAKE) throw new Error('make not found — apt-get install make');
    buildDir = mkdtempSync(join(tmpdir(), 'vmfleet-host-mips1-'));
    const built = await exec('make', ['-C', HOST_BUILD, '-s', `BUILD=${buildDir}`], 120_000);
    if (built.status !== 0) throw new Error(`make failed:\n${built.stdout}${built.stderr}`);
    runM1 = join(buildDir, 'run-m1');
  }, 150_000);

  afterAll(() => {
    if (buildDir) rmSync(buildDir, { recursive: true, force: true });
  });

  it('has benchmarks to compare', () => {
    expect(BENCHMARKS.length).toBeGreaterThanOrEqual(13);
  });

  it.each(BENCHMARKS)(
    '%s prints its expected output, in as many instructions and as much RAM as on TS',
    async (name) => {
      const result = await run(imagePath(name));
      expect(result.stdout).toBe(readFileSync(join(EXPECTED, `${name}.txt`), 'utf8'));
      expect(result.stderr).toMatch(/\n-- exited with 0\n/);
      expect(result.status).toBe(0);
      const ts = tsRun(readImage(imagePath(name)));
      expect(ts.end).toEqual({ kind: 'exited', code: 0 });
      const instructions = /-- (\d+) instructions/.exec(result.stderr)?.[1];
      expect(instructions).toBe(String(ts.engine.inspect().instructions));
      const peak = /guest RAM peak (\d+) of (\d+) B/.exec(result.stderr);
      expect(peak?.slice(1)).toEqual([
        String(ts.engine.memory().peakGuestBytes),
        String(MEMORY_BYTES),
      ]);
    },
    60_000,
  );

  it.each([0, 1, 2, 10, 37, 100, 1000, 12_345, 250_000, 10_000_000])(
    'fibonacci.m1 after step(%i): the same registers, pc, instruction count and outcome',
    async (n) => {
      const image = readImage(imagePath('fibonacci'));
      const result = await run('--step', String(n), '--registers', imagePath('fibonacci'));
      expect(result.status).toBe(0);
      const c = keyValues(result.stdout);
      const ts = tsStep(image, n);
      for (const [key, value] of Object.entries(ts)) expect([key, c[key]]).toEqual([key, value]);
    },
  );

  it('wild-store.m1 faults with the code, pc, address and registers of the TS engine', async () => {
    const image = readImage(imagePath('wild-store'));
    const ts = tsRun(image);
    expect(ts.end.kind).toBe('fault');
    if (ts.end.kind !== 'fault') return;
    const { code, pc, address } = ts.end.fault;
    const result = await run(imagePath('wild-store'));
    expect(result.stdout).toBe(ts.output);
    expect(result.stderr).toContain(
      `\n-- fault ${code} at pc 0x${pc.toString(16)} address 0x${address!.toString(16)}: `,
    );
    expect(result.status).toBe(3);
    const stepped = await run('--step', '1000000', '--registers', imagePath('wild-store'));
    const c = keyValues(stepped.stdout);
    for (const [key, value] of Object.entries(tsStep(image, 1_000_000))) {
      expect([key, c[key]]).toEqual([key, value]);
    }
  });

  it.each([1, 999, 5000, 123_457])(
    'spin.m1 with a budget of %i stops where the TS engine stops',
    async (budget) => {
      const image = readImage(imagePath('spin'));
      const ts = tsRun(image, budget);
      expect(ts.end).toEqual({ kind: 'budget' });
      const pc = ts.engine.inspect().pc;
      const result = await run('--budget', String(budget), imagePath('spin'));
      expect(result.stdout).toBe(ts.output);
      expect(result.stderr).toContain(`\n-- fault budget_exhausted at pc 0x${pc.toString(16)}: `);
      expect(result.stderr).toContain(`\n-- ${ts.engine.inspect().instructions} instructions\n`);
      expect(result.status).toBe(3);
      const stepped = await run('--step', String(budget), '--registers', imagePath('spin'));
      const c = keyValues(stepped.stdout);
      for (const [key, value] of Object.entries(tsStep(image, budget))) {
        expect([key, c[key]]).toEqual([key, value]);
      }
    },
  );

  /** Variants of a good image, each refused for one reason. */
  const good = () => readImage(imagePath('fibonacci'));
  const u32 = (image: Uint8Array, offset: number, value: number) => {
    new DataView(image.buffer).setUint32(offset, value, true);
    return image;
  };
  const corrupt: Array<[string, () => Uint8Array]> = [
    ['bad magic', () => Object.assign(good(), { 0: 0x58 })],
    ['truncated header', () => good().slice(0, 20)],
    ['empty file', () => new Uint8Array(0)],
    ['truncated payload', () => good().slice(0, -4)],
    ['trailing bytes', () => new Uint8Array([...good(), 0, 0, 0, 0])],
    ['version 2', () => Object.assign(good(), { 4: 2 })],
    ['entry outside text', () => u32(good(), 12, 0x100000)],
    ['misaligned loadAddress', () => u32(good(), 8, 0x1002)],
    ['loadAddress 0', () => u32(u32(good(), 8, 0), 12, 0)],
    ['bss too big for 64 KiB', () => u32(good(), 24, 0x20000)],
    ['bss past 2 GiB', () => u32(good(), 24, 0x80000000)],
  ];

  it.each(corrupt)('an image with %s is refused with the TS code', async (_why, make) => {
    const image = make();
    const expected = tsLoadError(image);
    expect(expected).not.toBe('loaded');
    const file = join(buildDir, 'corrupt.m1');
    writeFileSync(file, image);
    const result = await run(file);
    expect(result.status).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(new RegExp(`^run-m1: ${file}: ${expected}: \\S`));
  });
});
