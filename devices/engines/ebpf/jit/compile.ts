import { generatedFactory } from '../../core/generated-code';
import {
  arsh64,
  bswap16,
  bswap32,
  div64,
  lsh64,
  mod64,
  mul64,
  rsh64,
  sdiv32,
  sdiv64,
  smod32,
  smod64,
} from '../arith';
import type { CpuState } from '../cpu';
import type { DecodedProgram } from '../decode';
import type { EbpfExecutor } from '../engine';
import { callTooDeep, memoryFault, stackOverflow } from '../faults';
import { execute, Stop } from '../interpreter';
import type { EbpfMemory } from '../memory';
import { REGISTER_SLOTS } from '../ops';
import { findBlocks, groupBlocks, opOf, type BlockMap } from './blocks';
import {
  emitBlockParts,
  emitCase,
  JS_CALL,
  Leave,
  LOAD_LOCALS,
  STORE_LOCALS,
  type BlockParts,
  type EmitContext,
} from './emit-block';
import { accessOf, regionConstants } from './emit-memory';
import { structureGroup } from './structure';

/** What a generated function reads and writes besides the cpu: the dispatcher's mailbox. */
interface Mailbox {
  /** Budget left, in and out. */
  left: number;
  /** Block to continue at (Transfer, NoBudget). */
  b: number;
  /** pc to stop on (Helper, Exit, Fault). */
  pc: number;
}

/** `base`: the call depth of the JS call it runs for (emitCall), -1 from the dispatcher. */
type Translated = (cpu: CpuState, b: number, box: Mailbox, base: number) => Leave;

const LOCALS = Array.from({ length: REGISTER_SLOTS }, (_, k) => `${k & 1 ? 'h' : 'l'}${k >> 1}`);

export interface JitOptions {
  /**
   * Structured control flow (structure.ts) and JS calls between bpf functions, where a
   * group's graph allows. Off by default: on bench:vm's programs it measured no faster
   * than the switch dispatcher in steady state (README, "ebpf-jit"), so it stays opt-in
   * (EBPF_JIT_STRUCTURED) and tested until it is.
   */
  readonly structured: boolean;
}

/**
 * The statements of a group's `run` loop and the blocks it may be entered at: structured
 * (structure.ts) where the group's graph allows, else a `switch` over all its blocks.
 */
function runLoopOf(parts: readonly BlockParts[], first: number, last: number, o: JitOptions) {
  const group = parts.slice(first, last + 1);
  const structured = o.structured ? structureGroup(group, first, last) : null;
  if (structured !== null) return structured;
  const cases: string[] = [];
  for (let id = first; id <= last; id++) {
    const block = emitCase(id, parts[id]);
    // A group's last block that falls through goes on at the next one, in another group.
    const on = id === last && !block.ends ? `b = ${id + 1}; continue run;` : '';
    cases.push(`${block.code}\n${on}\n}`);
  }
  const code = ['switch (b) {', ...cases, `default: stop = ${Leave.Transfer}; break run;`, '}'];
  const [from, to] = JS_CALL.map((mark) => mark.replace(/[/*{}]/g, '\\$&'));
  const dispatched = code.join('\n').replace(new RegExp(`${from}[^]*?${to}`, 'g'), '');
  return { code: dispatched, entries: group.map((_, k) => first + k) };
}

/** The JS source of one group of blocks around its `run` loop: registers in locals. */
function groupSource(run: string): string {
  // Only the register words the blocks name are loaded and stored back: fewer live values.
  const named = new Set(run.match(/\b[lh]\d+\b/g));
  const used = LOCALS.map((name, k) => [name, k] as const).filter(([name]) => named.has(name));
  // Calls and exits keep the call depth and the lowest stack in locals too.
  const calls = /\bdp\b/.test(run);
  const store = used.map(([name, k]) => `r[${k}] = ${name};`).join(' ');
  const load = used.map(([name, k]) => `${name} = r[${k}];`).join(' ');
  const body = run.split(STORE_LOCALS).join(store).split(LOAD_LOCALS).join(load);
  return [
    'return function translated(cpu, b, box, base) {',
    'const r = cpu.regs; const frames = cpu.frames;',
    used.length > 0 ? `let ${used.map(([name, k]) => `${name} = r[${k}]`).join(', ')};` : '',
    'let left = box.left, t = 0, u = 0, o = 0, f = 0, pc = 0, stop = 0;',
    calls ? 'let dp = cpu.depth, lw = cpu.lowestStack;' : '',
    'run: for (;;) {',
    body,
    '}',
    store,
    calls ? 'cpu.depth = dp; cpu.lowestStack = lw;' : '',
    'box.left = left; box.b = b; box.pc = pc;',
    'return stop;',
    '};',
  ].join('\n');
}

/** What generated code may name: constants of this program and the shared arithmetic. */
function environment(
  memory: EbpfMemory,
  map: BlockMap,
  enter: Translated,
): Record<string, unknown> {
  return {
    enter,
    memory,
    view: memory.view,
    blockOf: map.blockOf,
    x: new Int32Array(2),
    ...{ mul64, div64, mod64, sdiv64, smod64, lsh64, rsh64, arsh64 },
    ...{ sdiv32, smod32, bswap16, bswap32, callTooDeep, stackOverflow },
  };
}

function translate(source: string, env: Record<string, unknown>): Translated {
  const names = Object.keys(env);
  // Only numbers from decoded fields are in `source` (emit-*.ts): no guest text.
  const make = generatedFactory<Translated>(names, source);
  return make(...names.map((name) => env[name]));
}

/**
 * Translates a verified, decoded program to JavaScript, one function per group of basic
 * blocks (blocks.ts), and returns an executor with the interpreter's contract: same
 * stops, counts, faults and cpu state. Where a block does not fit the budget, or the pc
 * is inside a block (after single steps or an invoke), the interpreter runs the
 * instructions exactly.
 */
export function compileProgram(
  program: DecodedProgram,
  memory: EbpfMemory,
  options: JitOptions = { structured: false },
): EbpfExecutor {
  const map = findBlocks(program);
  const ctx: EmitContext = { program, map, regions: regionConstants(memory) };
  const functions: Translated[] = [];
  /** The JS call of a bpf function (emitCall): its groups in turn until it returns or stops. */
  const enter: Translated = (cpu, b, box, base) => {
    for (;;) {
      if (entry[b] === 0) {
        box.b = b; // the dispatcher steps the interpreter from there
        return Leave.Transfer;
      }
      const leave = functions[groupOf[b]](cpu, b, box, base);
      if (leave !== Leave.Transfer) return leave;
      b = box.b;
    }
  };
  const env = environment(memory, map, enter);
  const parts = map.blocks.map((_, id) => emitBlockParts(ctx, id));
  const groups = groupBlocks(
    program,
    map.blocks,
    parts.map((block) => block.body.length),
  );
  const groupOf = new Int32Array(map.blocks.length);
  /** 1 where a block's group may be entered at its start, else the interpreter steps on. */
  const entry = new Uint8Array(map.blocks.length);
  groups.forEach(([first, last], g) => {
    groupOf.fill(g, first, last + 1);
    const run = runLoopOf(parts, first, last, options);
    run.entries.forEach((id) => (entry[id] = 1));
    functions.push(translate(groupSource(run.code), env));
  });
  const box: Mailbox = { left: 0, b: 0, pc: 0 };
  const blockPc = Int32Array.from(map.blocks, (block) => block.start);

  return (cpu, decoded, mem, budget) => {
    let left = budget;
    let pc = cpu.pc;
    for (;;) {
      const b = map.blockOf[pc];
      if (left === 0 || b < 0 || entry[b] === 0) {
        // Inside a block, or at one its function is not entered at: step the interpreter
        // to the block's end, where a block starts.
        cpu.pc = pc;
        const stop = execute(cpu, decoded, mem, Math.min(left, map.toEnd[pc]));
        left -= cpu.executed;
        pc = cpu.pc;
        if (stop !== Stop.Budget || left === 0) return finish(cpu, budget, left, stop);
        continue;
      }
      box.left = left;
      const leave = functions[groupOf[b]](cpu, b, box, -1);
      left = box.left;
      switch (leave) {
        case Leave.Transfer:
          pc = blockPc[box.b];
          break;
        case Leave.NoBudget: {
          cpu.pc = blockPc[box.b];
          const stop = execute(cpu, decoded, mem, left);
          return finish(cpu, budget, left - cpu.executed, stop);
        }
        case Leave.MemoryFault:
          cpu.pc = box.pc;
          cpu.fault = accessFault(program, memory, cpu, box.pc);
          return finish(cpu, budget, left, Stop.Fault);
        case Leave.Helper:
        case Leave.Exit:
        case Leave.Fault:
          cpu.pc = box.pc;
          return finish(cpu, budget, left, STOPS[leave]);
        case Leave.Returned:
          throw new Error('ebpf-jit: a return to a JS call the dispatcher did not make');
      }
    }
  };
}

const STOPS = {
  [Leave.Helper]: Stop.Helper,
  [Leave.Exit]: Stop.Exit,
  [Leave.Fault]: Stop.Fault,
} as const;

/** The interpreter's bad_address fault of the load or store at pc, from the registers it left. */
function accessFault(program: DecodedProgram, memory: EbpfMemory, cpu: CpuState, pc: number) {
  const w = program.code[2 * pc];
  const access = accessOf(opOf(w), (w >> 8) & 15, (w >> 12) & 15)!;
  const { bytes, store, base } = access;
  const r = cpu.regs;
  return memoryFault(memory, pc, store, bytes, r[2 * base + 1], r[2 * base], w >> 16);
}

function finish(cpu: CpuState, budget: number, left: number, stop: Stop): Stop {
  cpu.executed = budget - left;
  return stop;
}
