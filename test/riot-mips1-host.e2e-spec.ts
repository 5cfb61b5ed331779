import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunOutcome, SyscallRequest, SyscallResult } from '../devices/engines/engine';
import { Mips1Engine } from '../devices/engines/mips1';
import { asm, li, R } from '../devices/engines/mips1/testing/asm';
import { testImage, textAddress } from '../devices/engines/mips1/testing/harness';
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
/** vm.h VM_FAULT_MESSAGE_BYTES: the C engine's messages are the TS text cut to fit, NUL included. */
const FAULT_MESSAGE_BYTES = 96;

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

/** run-m1's host (tests/host-mips1/host.c) in TS: output captured, sleeps and yields
 * resume at once, handler registrations recorded. */
class ConsoleHost {
  output = '';
  readonly handlers: number[] = [];
  syscall({ number, args, memory }: SyscallRequest): SyscallResult {
    switch (number) {
      case 20:
        this.output += `[publish] ${memory.readCString(args[0], 32)} = ${args[1]}\n`;
        return { kind: 'value', value: 0 };
      case 30:
        this.handlers.push(args[1] >>> 0);
        return { kind: 'value', value: 0 };
      case 32:
        this.output += `[event] ${args[0]} = ${args[1]}\n`;
        return { kind: 'value', value: 0 };
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

/** The TS engine's state after an outcome, in run-m1's words. */
function describeState(engine: Mips1Engine, outcome: RunOutcome): Record<string, string> {
  const inspection = engine.inspect();
  const state: Record<string, string> = {
    outcome: outcome.kind,
    state: inspection.state,
    instructions: String(inspection.instructions),
  };
  for (const [name, value] of Object.entries(inspection.registers)) state[name] = hex8(value);
  if (outcome.kind === 'fault') {
    state.fault = outcome.fault.code;
    state.fault_pc = hex8(outcome.fault.pc);
    if (outcome.fault.address !== undefined) state.fault_address = hex8(outcome.fault.address);
  }
  if (outcome.kind === 'exited') state.value = String(outcome.code);
  return state;
}

/** The TS engine's state after step(n). */
function tsStep(image: Uint8Array, n: number): Record<string, string> {
  const { engine } = tsEngine(image);
  return describeState(engine, engine.step(n));
}

/** step(1) until the program ends or n steps, one state per step (run-m1 --trace). */
function tsTrace(image: Uint8Array, n: number): Array<Record<string, string>> {
  const { engine } = tsEngine(image);
  const states: Array<Record<string, string>> = [];
  for (let i = 0; i < n; i++) {
    const outcome = engine.step(1);
    states.push(describeState(engine, outcome));
    if (outcome.kind !== 'budget' && outcome.kind !== 'yielded') break;
  }
  return states;
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

/** Small programs for what the benchmarks may not reach: every op, every fault, the rules
 * of devices/engines/mips1/README.md where MIPS leaves the behaviour open. */
const { zero, t0, t1, t2, t3, s0, s1, s2, s3, s4, s5, s6, s7, a0, a1, a2, a3, v0, v1, ra, sp } = R;
const END = asm.break(0x3ff);
const VALUES = [...li(t0, 0x80000000), ...li(t1, 0xffffffff), ...li(t2, 7), ...li(t3, -3 >>> 0)];
/** `body` with t0 = the address of `data`, which follows text. */
const withData = (body: number[], data: number[]) =>
  testImage({
    text: [...li(t0, textAddress(body.length + 2)), ...body],
    data: new Uint8Array(data),
  });
const text = (...words: number[]) => testImage({ text: words });
const DATA = [0x11, 0x22, 0x33, 0x44, 0x88, 0x99, 0xaa, 0xbb, ...new Array<number>(8).fill(0)];

// prettier-ignore
const ISA_PROGRAMS: Array<[string, string, Uint8Array]> = [
  ['alu', 'break', text(...VALUES, asm.addu(s0, t0, t1), asm.subu(s1, t2, t3), asm.and(s2, t1, t2),
    asm.or(s3, t0, t2), asm.xor(s4, t1, t3), asm.nor(s5, t0, t2), asm.slt(s6, t3, t2),
    asm.sltu(s7, t3, t2), asm.sll(a0, t3, 31), asm.srl(a1, t3, 4), asm.sra(a2, t3, 1),
    asm.sra(a3, t0, 31), asm.sllv(a0, t2, t1), asm.srlv(a1, t0, t2), asm.srav(a2, t0, t2),
    asm.slti(v0, t3, -2), asm.sltiu(v1, t2, -1), asm.andi(s0, t1, 0xf0f0), asm.ori(s1, t0, 0x1234),
    asm.xori(s2, t1, 0xffff), asm.lui(s3, 0xbeef), asm.addiu(s4, t0, -1), asm.addi(s5, t2, -10),
    asm.add(s6, t2, t3), asm.sub(s7, t2, t3), asm.addu(zero, t1, t1), asm.addiu(zero, t1, 5), END)],
  ['mult, div, hi/lo', 'break', text(...VALUES, asm.mult(t0, t1), asm.mfhi(s0), asm.mflo(s1),
    asm.multu(t1, t1), asm.mfhi(s2), asm.mflo(s3), asm.mult(t3, t2), asm.mfhi(s4), asm.mflo(s5),
    asm.div(t3, t2), asm.mfhi(s6), asm.mflo(s7), asm.divu(t3, t2), asm.mfhi(a0), asm.mflo(a1),
    asm.div(t0, t1), asm.mfhi(a2), asm.mflo(a3), asm.mthi(t2), asm.mtlo(t3), asm.div(t2, zero),
    asm.mfhi(v0), asm.mflo(v1), asm.divu(t2, zero), asm.mfhi(s0), asm.mflo(s1), END)],
  ['addi overflow', 'overflow', text(...li(t0, 0x7fffffff), asm.addi(t1, t0, 1), END)],
  ['add overflow into $zero', 'overflow', text(...li(t0, 0x7fffffff), ...li(t1, 1), asm.add(zero, t0, t1))],
  ['sub overflow', 'overflow', text(...li(t0, 0x80000000), ...li(t1, 1), asm.sub(t2, t0, t1), END)],
  ['loads, stores, lwl/lwr/swl/swr', 'break', withData([
    ...li(a0, 0xa5a5a5a5), asm.nor(a1, zero, zero), asm.addiu(a2, zero, -2), asm.addu(a3, a0, a0),
    asm.xori(v0, a0, 0x1234), asm.nor(v1, zero, a0), asm.nor(t2, zero, a3), asm.addu(t3, a0, a1),
    asm.lb(s0, 4, t0), asm.lbu(s1, 4, t0),
    asm.lh(s2, 4, t0), asm.lhu(s3, 6, t0), asm.lw(s4, 0, t0), asm.lw(s5, 4, t0),
    asm.lwl(a0, 0, t0), asm.lwl(a1, 1, t0), asm.lwl(a2, 2, t0), asm.lwl(a3, 3, t0),
    asm.lwr(v0, 1, t0), asm.lwr(v1, 2, t0), asm.lwr(t2, 3, t0), asm.lwr(t3, 1, t0),
    asm.lwl(t3, 4, t0), asm.sb(s5, 8, t0), asm.sh(s5, 10, t0), asm.sw(s4, 12, t0),
    asm.swl(s5, 9, t0), asm.swr(s4, 13, t0), asm.lw(s6, 8, t0), asm.lw(s7, 12, t0),
    asm.lb(zero, 0, t0), END], DATA)],
  ['misaligned lw', 'misaligned', withData([asm.lw(t1, 2, t0), END], DATA)],
  ['misaligned lh', 'misaligned', withData([asm.lh(t1, 1, t0), END], DATA)],
  ['misaligned sw', 'misaligned', withData([asm.sw(t1, 6, t0), END], DATA)],
  ['NULL load', 'bad_address', text(asm.lw(t1, 0, zero), END)],
  ['load past the end', 'bad_address', text(...li(t0, 0xfffc), asm.lw(t1, 4, t0), END)],
  ['lwl past the end', 'bad_address', text(...li(t0, 0x10000), asm.lwl(t1, 0, t0), END)],
  ['store into text', 'bad_address', text(...li(t0, 0x1000), asm.sw(t1, 0, t0), END)],
  ['swr into text', 'bad_address', text(...li(t0, 0x1001), asm.swr(t1, 0, t0), END)],
  ['sb below the program', 'bad_address', text(...li(t0, 0xfff), asm.sb(t1, 0, t0), END)],
  ['branches, jal/jr, jalr', 'break', text(...li(t0, -5 >>> 0), ...li(t1, 3),
    asm.bltz(t0, 2), asm.addiu(s0, zero, 1), asm.addiu(s1, zero, 1),
    asm.bgez(t0, 1), asm.addiu(s2, zero, 2), asm.addiu(s3, zero, 3),
    asm.bltzal(t1, 1), asm.nop(), asm.nop(),
    asm.bgezal(t1, 2), asm.nop(), asm.addiu(s4, zero, 4),
    asm.blez(t0, 1), asm.nop(), asm.nop(),
    asm.bgtz(t1, 1), asm.addiu(s5, zero, 5), asm.nop(),
    asm.beq(t0, t1, 1), asm.nop(), asm.addiu(a2, zero, 9),
    asm.bne(t0, t1, 1), asm.nop(), asm.addiu(a3, zero, 9),
    asm.jal(textAddress(36)), asm.addiu(s6, zero, 6), ...li(t2, textAddress(39)),
    asm.jalr(a1, t2), asm.nop(), END, asm.nop(),
    asm.addiu(s7, s7, 7), asm.jr(ra), asm.addiu(a0, zero, 8),
    asm.addiu(v0, zero, 1), asm.jr(a1), asm.nop())],
  ['branch in a delay slot', 'illegal_instruction', text(asm.beq(zero, zero, 2), asm.j(textAddress(0)), asm.nop(), END)],
  ['a run of branches: the 2nd, 4th... are illegal', 'illegal_instruction', text(asm.j(textAddress(4)),
    asm.nop(), asm.beq(zero, zero, 1), asm.beq(zero, zero, 1), asm.beq(zero, zero, 2),
    asm.bne(zero, zero, 0), asm.nop(), END)],
  ['jr to a misaligned address', 'misaligned', text(...li(t0, 0x1002), asm.jr(t0), asm.addiu(s0, zero, 1))],
  ['jr outside text', 'bad_address', text(...li(t0, 0x20000), asm.jr(t0), asm.nop())],
  ['return from _start', 'exited', text(asm.addiu(v0, zero, 42), asm.jr(ra), asm.nop())],
  ['syscalls: print_int, yield, exit', 'exited', text(asm.addiu(a0, zero, -7), asm.addiu(v0, zero, 3),
    asm.syscall(), asm.addiu(v0, zero, 6), asm.syscall(), asm.addiu(a0, zero, 5),
    asm.addiu(v0, zero, 1), asm.syscall(), END)],
  ['unknown syscall', 'bad_syscall', text(asm.addiu(v0, zero, 99), asm.syscall(), END)],
  ['print of a NULL-page pointer', 'bad_address', text(asm.addiu(v0, zero, 2), asm.addiu(a0, zero, 16),
    asm.syscall(), END)],
  ['a coprocessor instruction', 'illegal_instruction', text(asm.nop(), 0x46000000, END)],
  ['a MIPS II+ encoding', 'illegal_instruction', text(0x7c000000, END)],
  ['a reserved REGIMM', 'illegal_instruction', text((1 << 26) | (2 << 16), END)],
  ['break', 'break', text(asm.break(7))],
  // The $sp bound (mips1 README, Memory): frame adjustments that leave the stack fault.
  ['a runaway frame loop', 'stack_exhausted', text(asm.addiu(sp, sp, -256), asm.beq(zero, zero, -2), asm.nop(), END)],
  ['subu $sp past the stack', 'stack_exhausted', text(...li(t0, 0x4000), asm.subu(sp, sp, t0), END)],
  ['addu $sp above memory', 'stack_exhausted', text(...li(t0, 0x100), asm.addu(sp, sp, t0), END)],
  ['move $sp (or) below memory', 'stack_exhausted', text(...li(t0, 0x1000), asm.or(sp, t0, zero), END)],
  ['move $sp (addu) under address 0', 'stack_exhausted', text(...li(t0, -64 >>> 0), asm.addu(sp, zero, t0), END)],
  ['moves inside the stack, li and or of two registers unchecked', 'break', text(asm.addiu(t0, sp, -64),
    asm.or(sp, zero, t0), asm.addu(sp, t0, zero), asm.addiu(sp, zero, 16), asm.or(sp, t0, t0),
    asm.addu(sp, zero, zero), END)],
];

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

  it('deep-recursion.m1 stops at the frame that would overflow, with the TS fault and message', async () => {
    const image = readImage(imagePath('deep-recursion'));
    const ts = tsRun(image);
    expect(ts.end).toMatchObject({ kind: 'fault', fault: { code: 'stack_exhausted' } });
    if (ts.end.kind !== 'fault') return;
    const { pc, address, message } = ts.end.fault;
    const result = await run(imagePath('deep-recursion'));
    expect(result.stdout).toBe(ts.output);
    expect(result.stderr).toContain(
      `\n-- fault stack_exhausted at pc 0x${pc.toString(16)} address 0x${address!.toString(16)}: ${message.slice(0, FAULT_MESSAGE_BYTES - 1)}\n`,
    );
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

  it.each(ISA_PROGRAMS)('%s (ends: %s): every step as on TS', async (name, end, image) => {
    const file = join(buildDir, `isa-${name.replace(/\W+/g, '-')}.m1`);
    writeFileSync(file, image);
    const result = await run('--step', '200', '--trace', file);
    expect(result.status).toBe(0);
    const c = result.stdout
      .split(/^step=\d+\n/m)
      .slice(1)
      .map(keyValues);
    const ts = tsTrace(image, 200);
    const last = ts[ts.length - 1];
    expect(last.fault ?? last.outcome).toBe(end); // the program does what it is there for
    expect(c).toHaveLength(ts.length);
    ts.forEach((state, i) => {
      for (const [key, value] of Object.entries(state)) {
        expect([i + 1, key, c[i][key]]).toEqual([i + 1, key, value]);
      }
    });
  });

  it('button-counter.m1: main registers a handler; each invoke() returns as on TS', async () => {
    const image = readImage(imagePath('button-counter'));
    const { engine, host } = tsEngine(image);
    expect(engine.run(SLICE)).toEqual({ kind: 'exited', code: 0 });
    expect(host.handlers).toHaveLength(1);
    const handler = host.handlers[0];
    const results: RunOutcome[] = [];
    for (let i = 0; i < 6; i++) {
      engine.invoke(handler, [1]);
      results.push(engine.run(SLICE));
    }
    const args = ['--invoke', String(handler), '--value', '1', '--times', '6', '--registers'];
    const result = await run(...args, imagePath('button-counter'));
    expect(result.stdout).toBe(host.output);
    const returned = [...result.stderr.matchAll(/-- handler returned (-?\d+)/g)].map((m) => m[1]);
    expect(returned).toEqual(
      results.map((r) => (r.kind === 'returned' ? String(r.value) : r.kind)),
    );
    const c = keyValues(result.stderr);
    for (const [key, value] of Object.entries(describeState(engine, results[5]))) {
      if (key !== 'outcome') expect([key, c[key]]).toEqual([key, value]);
    }
    expect(result.status).toBe(0);
  });

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
