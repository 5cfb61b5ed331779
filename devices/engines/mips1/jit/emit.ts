import { Op } from '../ops';

/**
 * JavaScript for one decoded instruction inside a translated block (block.ts). Everything
 * interpolated into the source is a number taken from decoded fields or the memory layout
 * (`int()` checks it), never guest bytes as text, so guest code cannot inject source.
 * Registers live in locals `r1`…`r32` (r0 reads as the literal 0); every value a local
 * holds is an int32, as in the interpreter's Int32Array. Locals the block shares:
 * `a` (address or new $sp of a check that may fail), `t`, `s` (scratch), `nx` (the offset
 * after the delay slot), `e` (index of the faulting instruction), `hi`, `lo`, and the
 * constants `stackLimit`, `stackSpan` (read from cpu once per call, as the interpreter does).
 */

/** Layout numbers the emitted checks compare against, fixed for one loaded program. */
export interface EmitLayout {
  readonly base: number;
  readonly loadLo: number;
  readonly storeLo: number;
  readonly load1: number;
  readonly load2: number;
  readonly load4: number;
  readonly store1: number;
  readonly store2: number;
  readonly store4: number;
}

/** One instruction to emit: decoded slots, its text offset and its index in the block. */
export interface EmitSite {
  readonly w: number;
  readonly imm: number;
  readonly at: number;
  readonly index: number;
}

/** The only way a value enters generated source: an integer, printed as a decimal literal. */
export function int(value: number): string {
  if (!Number.isSafeInteger(value)) throw new RangeError(`not an integer: ${value}`);
  return String(value);
}

/** Local holding register `n`; r0 is the constant 0 (the decoder never writes it). */
export const reg = (n: number): string => (n === 0 ? '0' : `r${int(n)}`);

export const fieldA = (w: number) => (w >> 8) & 63;
export const fieldB = (w: number) => (w >> 14) & 63;
export const fieldC = (w: number) => (w >> 20) & 63;

/** Leaves the block at instruction `index`; the tier builds the fault from `a` (block.ts). */
export const faultExit = (index: number) => `{ e = ${int(index)}; break x; }`;

/** $sp sample for memory reports, as the interpreter takes it at calls, returns, syscalls. */
export const SAMPLE_SP = 'if (r29 < cpu.lowestSp) cpu.lowestSp = r29;';

const ALU3: Partial<Record<Op, (b: string, c: string) => string>> = {
  [Op.Addu]: (b, c) => `(${b} + ${c}) | 0`,
  [Op.Subu]: (b, c) => `(${b} - ${c}) | 0`,
  [Op.And]: (b, c) => `${b} & ${c}`,
  [Op.Or]: (b, c) => `${b} | ${c}`,
  [Op.Xor]: (b, c) => `${b} ^ ${c}`,
  [Op.Nor]: (b, c) => `~(${b} | ${c})`,
  [Op.Slt]: (b, c) => `${b} < ${c} ? 1 : 0`,
  [Op.Sltu]: (b, c) => `${b} >>> 0 < ${c} >>> 0 ? 1 : 0`,
  [Op.Sllv]: (b, c) => `${b} << ${c}`,
  [Op.Srlv]: (b, c) => `(${b} >>> ${c}) | 0`,
  [Op.Srav]: (b, c) => `${b} >> ${c}`,
};

const ALU_IMM: Partial<Record<Op, (b: string, imm: number) => string>> = {
  [Op.Addiu]: (b, imm) => `(${b} + ${int(imm)}) | 0`,
  [Op.Andi]: (b, imm) => `${b} & ${int(imm)}`,
  [Op.Ori]: (b, imm) => `${b} | ${int(imm)}`,
  [Op.Xori]: (b, imm) => `${b} ^ ${int(imm)}`,
  [Op.Slti]: (b, imm) => `${b} < ${int(imm)} ? 1 : 0`,
  [Op.Sltiu]: (b, imm) => `${b} >>> 0 < ${int(imm >>> 0)} ? 1 : 0`,
  [Op.Sll]: (b, imm) => `${b} << ${int(imm)}`,
  [Op.Srl]: (b, imm) => `(${b} >>> ${int(imm)}) | 0`,
  [Op.Sra]: (b, imm) => `${b} >> ${int(imm)}`,
};

/** Register, immediate, HI/LO and trapping arithmetic; null when `op` is none of those. */
export function emitArithmetic(op: Op, site: EmitSite): string | null {
  const { w, imm, index } = site;
  const [d, b, c] = [reg(fieldA(w)), reg(fieldB(w)), reg(fieldC(w))];
  const alu3 = ALU3[op];
  if (alu3) return `${d} = ${alu3(b, c)};`;
  const aluImm = ALU_IMM[op];
  if (aluImm) return `${d} = ${aluImm(b, imm)};`;
  const trap = `if ((t | 0) !== t) ${faultExit(index)} ${d} = t;`;
  switch (op) {
    case Op.Nop:
      return '';
    case Op.Move:
      return `${d} = ${b};`;
    case Op.Li:
      return `${d} = ${int(imm)};`;
    case Op.Addi:
      return `t = ${b} + ${int(imm)}; ${trap}`;
    case Op.Add:
      return `t = ${b} + ${c}; ${trap}`;
    case Op.Sub:
      return `t = ${b} - ${c}; ${trap}`;
    case Op.AddiuSp:
    case Op.AdduSp:
    case Op.SubuSp:
    case Op.MoveSp:
      return emitStackPointerWrite(op, b, c, imm, index);
    default:
      return emitHiLo(op, d, b, c);
  }
}

/** A checked $sp write: stack_exhausted outside [stackLimit, stackLimit + stackSpan]. */
function emitStackPointerWrite(op: Op, b: string, c: string, imm: number, index: number): string {
  const value =
    op === Op.AddiuSp
      ? `(${b} + ${int(imm)}) | 0`
      : op === Op.AdduSp
        ? `(${b} + ${c}) | 0`
        : op === Op.SubuSp
          ? `(${b} - ${c}) | 0`
          : b;
  return `a = ${value}; if ((a - stackLimit) >>> 0 > stackSpan) ${faultExit(index)} r29 = a;`;
}

function emitHiLo(op: Op, d: string, b: string, c: string): string | null {
  switch (op) {
    case Op.Mult:
      return `t = ${b}; s = ${c}; lo = Math.imul(t, s); hi = mulHighSigned(t, s);`;
    case Op.Multu:
      return `t = ${b}; s = ${c}; lo = Math.imul(t, s); hi = mulHighUnsigned(t >>> 0, s >>> 0);`;
    case Op.Div: // divide by zero leaves HI and LO alone (interpreter.ts, README)
      return `s = ${c}; if (s !== 0) { t = ${b}; lo = (t / s) | 0; hi = (t % s) | 0; }`;
    case Op.Divu:
      return `s = ${c} >>> 0; if (s !== 0) { t = ${b} >>> 0; lo = (t / s) | 0; hi = (t % s) | 0; }`;
    case Op.Mfhi:
      return `${d} = hi;`;
    case Op.Mflo:
      return `${d} = lo;`;
    case Op.Mthi:
      return `hi = ${b};`;
    case Op.Mtlo:
      return `lo = ${b};`;
    default:
      return null;
  }
}

interface Access {
  readonly bytes: 1 | 2 | 4;
  /** The word-merging loads and stores check the aligned word, any byte offset. */
  readonly merge?: 'loadWordLeft' | 'loadWordRight' | 'storeWordLeft' | 'storeWordRight';
  readonly view: string;
}

const LOADS: Partial<Record<Op, Access>> = {
  [Op.Lw]: { bytes: 4, view: 'i32[a >> 2]' },
  [Op.Lh]: { bytes: 2, view: 'i16[a >> 1]' },
  [Op.Lhu]: { bytes: 2, view: 'u16[a >> 1]' },
  [Op.Lb]: { bytes: 1, view: 'i8[a]' },
  [Op.Lbu]: { bytes: 1, view: 'u8[a]' },
  [Op.Lwl]: { bytes: 4, merge: 'loadWordLeft', view: 'i32[a >> 2]' },
  [Op.Lwr]: { bytes: 4, merge: 'loadWordRight', view: 'i32[a >> 2]' },
};

const STORES: Partial<Record<Op, Access>> = {
  [Op.Sw]: { bytes: 4, view: 'i32[a >> 2]' },
  [Op.Sh]: { bytes: 2, view: 'u16[a >> 1]' },
  [Op.Sb]: { bytes: 1, view: 'u8[a]' },
  [Op.Swl]: { bytes: 4, merge: 'storeWordLeft', view: 'i32[a >> 2]' },
  [Op.Swr]: { bytes: 4, merge: 'storeWordRight', view: 'i32[a >> 2]' },
};

/** The interpreter's one-compare span check (memory.ts) with the layout's numbers inlined. */
function spanCheck(access: Access, lo: number, span: number, index: number): string {
  const offset = access.merge
    ? `(a & -4) - ${int(lo)}`
    : access.bytes === 1
      ? `a - ${int(lo)}`
      : `(a - ${int(lo)}) | ((a & ${int(access.bytes - 1)}) << 30)`;
  return `if ((${offset}) >>> 0 >= ${int(span)}) ${faultExit(index)}`;
}

/** Loads and stores through the interpreter's span checks; null for other ops. */
export function emitMemory(op: Op, site: EmitSite, layout: EmitLayout): string | null {
  const { w, imm, index } = site;
  const [t, b] = [reg(fieldA(w)), reg(fieldB(w))];
  const address = `a = (${b} + ${int(imm)}) | 0;`;
  const load = LOADS[op];
  if (load) {
    const span = load.bytes === 4 ? layout.load4 : load.bytes === 2 ? layout.load2 : layout.load1;
    const value = load.merge ? `${load.merge}(${t}, ${load.view}, a & 3)` : load.view;
    return `${address} ${spanCheck(load, layout.loadLo, span, index)} ${t} = ${value};`;
  }
  const store = STORES[op];
  if (store) {
    const span =
      store.bytes === 4 ? layout.store4 : store.bytes === 2 ? layout.store2 : layout.store1;
    const value = store.merge ? `${store.merge}(${t}, ${store.view}, a & 3)` : t;
    return `${address} ${spanCheck(store, layout.storeLo, span, index)} ${store.view} = ${value};`;
  }
  return null;
}

const CONDITIONS: Partial<Record<Op, (b: string, c: string) => string>> = {
  [Op.Beq]: (b, c) => `${b} === ${c}`,
  [Op.Bne]: (b, c) => `${b} !== ${c}`,
  [Op.Blez]: (b) => `${b} <= 0`,
  [Op.Bgtz]: (b) => `${b} > 0`,
  [Op.Bltz]: (b) => `${b} < 0`,
  [Op.Bgez]: (b) => `${b} >= 0`,
  [Op.Bltzal]: () => `t < 0`,
  [Op.Bgezal]: () => `t >= 0`,
};

/** A control transfer: sets `nx` (and the link register) before its delay slot runs. */
export function emitControlTransfer(op: Op, site: EmitSite, base: number): string {
  const { w, imm, at } = site;
  const [d, b, c] = [reg(fieldA(w)), reg(fieldB(w)), reg(fieldC(w))];
  const link = int((base + at + 8) | 0);
  const fallThrough = int((at + 8) | 0);
  const indirect = `nx = (t & 3) === 0 ? (t - ${int(base)}) | 0 : ((cpu.misalignedTarget = t), -1);`;
  const condition = CONDITIONS[op];
  switch (op) {
    case Op.Bltzal:
    case Op.Bgezal: // rs is read before the link is written (README)
      return `t = ${b}; r31 = ${link}; nx = ${condition!(b, c)} ? ${int(imm)} : ${fallThrough};`;
    case Op.J:
      return `nx = ${int(imm)};`;
    case Op.Jal:
      return `${SAMPLE_SP} r31 = ${link}; nx = ${int(imm)};`;
    case Op.Jr:
      return `${SAMPLE_SP} t = ${b}; ${indirect}`;
    case Op.Jalr:
      return `${SAMPLE_SP} t = ${b}; ${d} = ${link}; ${indirect}`;
    default:
      return `nx = ${condition!(b, c)} ? ${int(imm)} : ${fallThrough};`;
  }
}
