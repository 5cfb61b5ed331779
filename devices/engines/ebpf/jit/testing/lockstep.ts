import { REGION, STACK_BYTES } from '../../../../../src/protocol/images/rbf/layout';
import type { GuestHost, RunOutcome } from '../../../engine';
import { EbpfEngine } from '../../engine';
import { FakeHost } from '../../testing/harness';
import type { EbpfTier } from '../../engine';
import { EBPF_JIT } from '..';

const GUEST_MEMORY_BYTES = 64 * 1024;

/** FakeHost, and every other syscall answered 1, so apps run on (both tiers see the same). */
export const answeringHost = () =>
  new FakeHost((call) => (call.number > 6 ? { kind: 'value', value: 1 } : undefined));

export interface Pair {
  readonly interp: EbpfEngine;
  readonly jit: EbpfEngine;
  readonly hosts: readonly [FakeHost, FakeHost];
}

/** The same image loaded on the interpreter and on the JIT, each with its own host. */
export function loadPair(
  image: Uint8Array,
  host: () => FakeHost = answeringHost,
  tier: EbpfTier = EBPF_JIT!,
): Pair {
  const hosts = [host(), host()] as const;
  const engine = (h: GuestHost, jit: boolean) => {
    const e = new EbpfEngine({ memoryBytes: GUEST_MEMORY_BYTES }, h, jit ? { tier } : {});
    e.load(image);
    return e;
  };
  return { interp: engine(hosts[0], false), jit: engine(hosts[1], true), hosts };
}

/** Everything observable after a run() call: the outcome and inspect() (pc, registers, count). */
const observe = (e: EbpfEngine, end: RunOutcome) => JSON.stringify({ end, ...e.inspect() });

export interface Lockstep {
  /** The first observation where the tiers differ, as [interpreter, jit], else null. */
  readonly mismatch: readonly [string, string] | null;
  readonly end: RunOutcome;
  readonly instructions: number;
  readonly slices: number;
}

/**
 * Runs both engines in slices of `slice` instructions side by side and compares every
 * slice's outcome and state, until the program ends or `cap` instructions have run.
 */
export function runLockstep(pair: Pair, slice: number, cap: number): Lockstep {
  let end: RunOutcome;
  let slices = 0;
  do {
    end = pair.interp.run(slice);
    const a = observe(pair.interp, end);
    const b = observe(pair.jit, pair.jit.run(slice));
    slices++;
    if (a !== b) return { mismatch: [a, b], end, instructions: 0, slices };
  } while (
    (end.kind === 'budget' || end.kind === 'yielded') &&
    pair.interp.inspect().instructions < cap
  );
  return { mismatch: null, end, instructions: pair.interp.inspect().instructions, slices };
}

/** What one run leaves behind: every slice's outcome and inspect(), the host, the memory. */
export interface RunRecord {
  readonly slices: ReadonlyArray<{ end: RunOutcome; state: ReturnType<EbpfEngine['inspect']> }>;
  readonly output: string;
  readonly calls: FakeHost['calls'];
  readonly memory: ReturnType<EbpfEngine['memory']>;
  /** data, and the top of the stack (main's frame and a callee's below it), in hex: jest
   * compares a string at once, a typed array element by element (10x the whole run). */
  readonly data: string;
  readonly stack: string;
}

/**
 * Runs `image` on one tier in run() calls of `slice(i)` instructions (a yield resumed as a
 * device would) until it exits, faults or has run `cap`, and records everything observable.
 */
export function recordRun(
  jit: boolean,
  image: Uint8Array,
  options: {
    cap: number;
    dataBytes: number;
    slice: (i: number) => number;
    /** Handlers to invoke() one after another once the program has exited. */
    handlers?: ReadonlyArray<{ address: number; args: readonly number[] }>;
    /** The compiled tier when `jit` (default EBPF_JIT). */
    tier?: EbpfTier;
  },
): RunRecord {
  const host = answeringHost();
  const engine = new EbpfEngine(
    { memoryBytes: GUEST_MEMORY_BYTES },
    host,
    jit ? { tier: options.tier ?? EBPF_JIT! } : {},
  );
  engine.load(image);
  const slices: Array<RunRecord['slices'][number]> = [];
  let i = 0;
  const runToEnd = (): RunOutcome['kind'] => {
    for (; engine.inspect().instructions < options.cap; i++) {
      const end = engine.run(options.slice(i));
      slices.push({ end, state: engine.inspect() });
      if (end.kind === 'exited' || end.kind === 'fault' || end.kind === 'returned') return end.kind;
    }
    return 'budget';
  };
  let end = runToEnd();
  for (const handler of options.handlers ?? []) {
    if (end !== 'exited' && end !== 'returned') break;
    engine.invoke(handler.address, handler.args);
    end = runToEnd();
  }
  return {
    slices,
    output: host.output,
    calls: host.calls,
    memory: engine.memory(),
    data: hex(engine.readMemory(REGION.data, options.dataBytes)),
    stack: hex(engine.readMemory(REGION.stack + STACK_BYTES - 2048, 2048)),
  };
}

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');
