import { buildMips1Image } from '../../../../src/protocol/images/mips1-image';
import type { GuestHost, RunOutcome, SyscallRequest, SyscallResult } from '../../engine';
import { Mips1Engine } from '../engine';
import { asm, assemble, li, R } from './asm';

/** Where test programs are linked, as the SDK does (guest ABI). */
export const LOAD_ADDRESS = 0x1000;
export const TEST_MEMORY_BYTES = 64 * 1024;

export interface TestImage {
  text: readonly number[];
  /** Initialised data right after text, at LOAD_ADDRESS + 4 × text.length. */
  data?: Uint8Array;
  bssBytes?: number;
  stackBytes?: number;
  /** Word index of the entry point within text. */
  entryIndex?: number;
}

export function testImage(program: TestImage): Uint8Array {
  return buildMips1Image({
    loadAddress: LOAD_ADDRESS,
    entry: LOAD_ADDRESS + 4 * (program.entryIndex ?? 0),
    text: assemble(program.text),
    data: program.data ?? new Uint8Array(0),
    bssBytes: program.bssBytes ?? 0,
    stackBytes: program.stackBytes ?? 0,
  });
}

/** Address of text word `index`. */
export const textAddress = (index: number) => LOAD_ADDRESS + 4 * index;

/**
 * A guest host that implements the ABI's console and scheduling calls and records every
 * call: 1 exit, 2 print, 3 print_int, 5 sleep (yields), 6 yield. Others fault, unless
 * `extra` answers them.
 */
export class FakeHost implements GuestHost {
  readonly calls: Array<{ number: number; args: readonly number[] }> = [];
  output = '';

  constructor(private readonly extra?: (call: SyscallRequest) => SyscallResult | undefined) {}

  syscall(call: SyscallRequest): SyscallResult {
    this.calls.push({ number: call.number, args: [...call.args] });
    const answer = this.extra?.(call);
    if (answer) return answer;
    switch (call.number) {
      case 1:
        return { kind: 'exit', code: call.args[0] };
      case 2:
        this.output += call.memory.readCString(call.args[0], 1024);
        return { kind: 'value', value: 0 };
      case 3:
        this.output += String(call.args[0]);
        return { kind: 'value', value: 0 };
      case 5:
        return { kind: 'yield', sleepMs: call.args[0], value: 0 };
      case 6:
        return { kind: 'yield', sleepMs: 0, value: 0 };
      default:
        return { kind: 'fault', message: `unknown syscall ${call.number}` };
    }
  }
}

export function loadedEngine(
  program: TestImage,
  host: GuestHost = new FakeHost(),
  memoryBytes = TEST_MEMORY_BYTES,
): Mips1Engine {
  const engine = new Mips1Engine({ memoryBytes }, host);
  engine.load(testImage(program));
  return engine;
}

/** Instructions that end a test program: `break 0x3ff` stops it with a recognisable fault. */
export const END = [asm.break(0x3ff)];

/** Runs `text` followed by END and returns the engine, asserting it reached END. */
export function runToEnd(text: readonly number[], options: Omit<TestImage, 'text'> = {}) {
  const engine = loadedEngine({ ...options, text: [...text, ...END] });
  const outcome = engine.run(100_000);
  expectEnd(outcome, textAddress(text.length));
  return engine;
}

export function expectEnd(outcome: RunOutcome, pc: number): void {
  expect(outcome).toMatchObject({ kind: 'fault', fault: { code: 'break', pc } });
}

/** One register of a finished program, as a signed 32-bit value. */
export function reg(engine: Mips1Engine, name: keyof typeof R | 'hi' | 'lo'): number {
  return engine.inspect().registers[name] | 0;
}

export type RegisterName = keyof typeof R;

/** Loads each register of `setup` with `li`, runs `body` to END, returns the engine. */
export function runWith(
  setup: Partial<Record<RegisterName, number>>,
  body: readonly number[],
  options: Omit<TestImage, 'text'> = {},
): Mips1Engine {
  const prologue = Object.entries(setup).flatMap(([name, value]) =>
    li(R[name as RegisterName], value),
  );
  return runToEnd([...prologue, ...body], options);
}
