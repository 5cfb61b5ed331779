import { generatedFactory, type Factory } from '../../core/generated-code';
import type { Fault } from '../../engine';
import {
  loadWordLeft,
  loadWordRight,
  mulHighSigned,
  mulHighUnsigned,
  storeWordLeft,
  storeWordRight,
} from '../arith';
import type { CpuState } from '../cpu';
import { opOf, type DecodedText } from '../decode';
import type { Mips1Executor, Mips1Tier } from '../engine';
import {
  branchInDelaySlot,
  breakpoint,
  illegalInstruction,
  loadFault,
  overflow,
  stackExhausted,
  storeFault,
} from '../faults';
import { execute, Stop } from '../interpreter';
import type { GuestMemory } from '../memory';
import { Op } from '../ops';
import { translateRegion, type RegionSource } from './region';
import { sharedRegions } from './shared-regions';
import type { EmitLayout } from './emit';

/**
 * One translated region (region.ts), entered at its block `id` (the tier checked the budget
 * covers that block's pass): returns `executed * 4 + stop`, stop being Stop.Budget (go
 * on), Syscall or Fault.
 */
type Region = (r: Int32Array, cpu: CpuState, left: number, id: number) => number;

/** Builds the fault of the instruction at `e` and leaves pc on it, as the interpreter does. */
type BlockFault = (
  cpu: CpuState,
  start: number,
  e: number,
  a: number,
  nx: number,
  done: number,
  slot: number,
) => number;

/** The values generated code gets from the tier, by name (the factory's parameters). */
const ENV_NAMES = [
  ...['u8', 'i8', 'u16', 'i16', 'i32', 'mulHighSigned', 'mulHighUnsigned'],
  ...['loadWordLeft', 'loadWordRight', 'storeWordLeft', 'storeWordRight', 'fault'],
] as const;

/**
 * The factory takes the values as `$name` and the region copies them into constants: the
 * factory's parameters are context slots, loaded again at every use in the region (and
 * after every call it makes), while a function's own constants stay in registers.
 */
const FACTORY_PARAMS = [...ENV_NAMES, 'ids'].map((name) => `$${name}`);
const REGION_HEAD =
  "'use strict'; return function region(r, cpu, left, b) {\n" +
  `const ${[...ENV_NAMES, 'ids'].map((name) => `${name} = $${name}`).join(', ')};\n`;

/** A region's source and the factory made from it, shared by every load of a text. */
interface SharedRegion {
  readonly source: RegionSource;
  readonly factory: Factory<Region>;
}

/** Ops after which the interpreter has already sampled $sp (the end-of-call sample adds nothing). */
const SAMPLES_SP = new Set<Op>([Op.Jal, Op.Jr, Op.Jalr, Op.Syscall]);

/**
 * The MIPS-I binary translator: the blocks reachable from a pc the tier has no code for
 * become one JavaScript function (a region), made on first entry and cached for each of
 * its blocks' pcs that has none yet. Text is read-only (stores below `storeLo` fault
 * bad_address, memory.ts), so a translated block can never go stale: no invalidation.
 */
export const mips1JitTier: Mips1Tier = {
  kind: 'mips1-jit',
  compile: (text, memory) => new Translation(text, memory).executor,
};

class Translation {
  private readonly blocks: Array<Region | undefined>;
  private readonly lengths: Int32Array;
  /** Per text word: the id its region gives the block starting there. */
  private readonly ids: Int32Array;
  private readonly layout: EmitLayout;
  private readonly env: Record<(typeof ENV_NAMES)[number], unknown>;
  /** Regions by entry, translated once for every load of this text (shared-regions.ts). */
  private readonly shared: Map<number, SharedRegion>;

  constructor(
    private readonly text: DecodedText,
    private readonly memory: GuestMemory,
  ) {
    this.blocks = new Array<Region | undefined>(text.textBytes >> 2);
    this.lengths = new Int32Array(text.textBytes >> 2);
    this.ids = new Int32Array(text.textBytes >> 2);
    this.layout = {
      base: text.loadAddress,
      loadLo: memory.loadLo,
      storeLo: memory.storeLo,
      load1: memory.loadSpan(1),
      load2: memory.loadSpan(2),
      load4: memory.loadSpan(4),
      store1: memory.storeSpan(1),
      store2: memory.storeSpan(2),
      store4: memory.storeSpan(4),
    };
    const { u8, i8, u16, i16, i32 } = memory;
    this.env = {
      ...{ u8, i8, u16, i16, i32, mulHighSigned, mulHighUnsigned },
      ...{ loadWordLeft, loadWordRight, storeWordLeft, storeWordRight },
      fault: this.blockFault,
    };
    this.shared = sharedRegions(text, this.layout);
  }

  /** Runs blocks while the budget covers them; the interpreter takes what they cannot. */
  readonly executor: Mips1Executor = (cpu, text, memory, budget) => {
    const r = cpu.regs;
    const textBytes = text.textBytes;
    let left = budget;
    let stop = Stop.Budget;
    cpu.stopPc = cpu.pc;
    while (left > 0) {
      const pc = cpu.pc;
      if (pc >>> 0 >= textBytes) {
        cpu.stopPc = pc;
        stop = Stop.LeftText;
        break;
      }
      if (cpu.npc !== pc + 4 || (pc & 3) !== 0) {
        stop = this.stepDelaySlot(cpu);
        left -= cpu.executed;
        if (stop !== Stop.Budget) break;
        continue;
      }
      const block = this.blocks[pc >> 2] ?? this.translate(pc);
      if (this.lengths[pc >> 2] > left) {
        // The budget ends inside this block: exact single steps from here (a fault or stop
        // before then ends it too), and that call's $sp sample is the one we would take.
        stop = execute(cpu, text, memory, left);
        cpu.executed += budget - left;
        return stop;
      }
      const result = block(r, cpu, left, this.ids[pc >> 2]);
      left -= result >> 2;
      stop = result & 3;
      if (stop !== Stop.Budget) break;
    }
    if (r[29] < cpu.lowestSp) cpu.lowestSp = r[29];
    cpu.executed = budget - left;
    return stop;
  };

  /**
   * A delay slot entered on its own (a budget or syscall stop fell between a branch and
   * its slot): one interpreter step. Its end-of-call $sp sample would be an extra one the
   * interpreter running on does not take, so it is undone unless the op samples anyway.
   */
  private stepDelaySlot(cpu: CpuState): Stop {
    const lowestSp = cpu.lowestSp;
    const op = opOf(this.text.code[cpu.pc >> 1]);
    const stop = execute(cpu, this.text, this.memory, 1);
    if (stop === Stop.Budget && !SAMPLES_SP.has(op)) cpu.lowestSp = lowestSp;
    return stop;
  }

  private translate(pc: number): Region {
    let shared = this.shared.get(pc);
    if (!shared) {
      const source = translateRegion(this.text, this.layout, pc);
      // The source holds only numbers from decoded fields and the layout (emit.ts int()).
      const factory = generatedFactory<Region>(FACTORY_PARAMS, `${REGION_HEAD}${source.body}\n};`);
      shared = { source, factory };
      this.shared.set(pc, shared);
    }
    const { source, factory } = shared;
    const region = factory(...ENV_NAMES.map((name) => this.env[name]), source.ids);
    source.starts.forEach((start, i) => {
      if (this.blocks[start >> 2]) return;
      this.blocks[start >> 2] = region;
      this.lengths[start >> 2] = source.lengths[i];
      this.ids[start >> 2] = i;
    });
    return region;
  }

  /** Called by generated code on a failed check: pc stays on the faulting instruction. */
  private readonly blockFault: BlockFault = (cpu, start, e, a, nx, done, slot) => {
    const at = start + 4 * e;
    cpu.fault = this.faultAt(at, a, cpu);
    cpu.npc = e === slot ? nx : (at + 4) | 0;
    cpu.pc = at;
    cpu.stopPc = at;
    return (done + e) * 4 + Stop.Fault;
  };

  /** The interpreter's fault for the instruction at text offset `at` (`a`: address or $sp). */
  private faultAt(at: number, a: number, cpu: CpuState): Fault {
    const pc = this.text.loadAddress + at;
    const op = opOf(this.text.code[at >> 1]);
    switch (op) {
      case Op.Lw:
        return loadFault(this.memory, pc, a, 4);
      case Op.Lh:
      case Op.Lhu:
        return loadFault(this.memory, pc, a, 2);
      case Op.Lb:
      case Op.Lbu:
      case Op.Lwl:
      case Op.Lwr:
        return loadFault(this.memory, pc, a, 1);
      case Op.Sw:
        return storeFault(this.memory, pc, a, 4);
      case Op.Sh:
        return storeFault(this.memory, pc, a, 2);
      case Op.Sb:
      case Op.Swl:
      case Op.Swr:
        return storeFault(this.memory, pc, a, 1);
      case Op.AddiuSp:
      case Op.AdduSp:
      case Op.SubuSp:
      case Op.MoveSp:
        return stackExhausted(pc, a, cpu);
      case Op.Add:
      case Op.Addi:
      case Op.Sub:
        return overflow(pc);
      case Op.Break:
        return breakpoint(pc, this.text.code[(at >> 1) + 1]);
      case Op.BranchInDelaySlot:
        return branchInDelaySlot(pc);
      default: // text is read-only, so memory still holds the original word
        return illegalInstruction(pc, this.memory.i32[pc >> 2]);
    }
  }
}
