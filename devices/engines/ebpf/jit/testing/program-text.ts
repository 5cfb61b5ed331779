import {
  alu,
  alu64,
  bswap,
  call,
  callLocal,
  endian,
  exit,
  gotol,
  ja,
  jmp,
  lddw,
  lddwData,
  lddwRodata,
  ldx,
  ldxs,
  mov64,
  movsx,
  rbf,
  reg,
  signed,
  st,
  stx,
  type Insn,
} from '../../testing/asm';
import {
  COUNTER,
  DATA_BASE,
  DATA_BYTES,
  RODATA,
  type Forward,
  type Item,
  type RandomProgram,
  type Straight,
} from './random-program';

/** Test-only: lays a RandomProgram out as eBPF instructions and an .rbf image (random.spec.ts). */

export function encodeStraight(s: Straight): Insn[] {
  switch (s[0]) {
    case 'alu':
      return [alu(s[1], s[2], s[3], s[4])];
    case 'signed':
      return [signed(s[1], s[2], s[3], s[4])];
    case 'movsx':
      return [movsx(s[1], s[2], s[3], s[4])];
    case 'endian':
      return [endian(s[1], s[2], s[3])];
    case 'bswap':
      return [bswap(s[1], s[2])];
    case 'lddw':
      return lddw(s[1], s[2]);
    case 'ldx':
      return [ldx(s[1], s[2], s[3], s[4])];
    case 'ldxs':
      return [ldxs(s[1] === 'dw' ? 'w' : s[1], s[2], s[3], s[4])];
    case 'st':
      return [st(s[1], s[2], s[3], s[4])];
    case 'stx':
      return [stx(s[1], s[2], s[3], s[4])];
    case 'rodata':
      return [...lddwRodata(s[2], 0), ldx(s[1], s[2], s[2], s[3])];
  }
}

/** What each helper needs in its pointer argument so that it can succeed. */
const HELPER_SETUP: Record<number, Insn[]> = {
  0x102: [mov64(1, reg(DATA_BASE))], // print(data)
  0x01: lddwRodata(1, 0), // printf(format in rodata, r2..r5)
  0x12: [mov64(2, reg(DATA_BASE))], // fetchLocal(key, data)
};

class Emitter {
  readonly code: Insn[] = [];
  readonly functionStarts: number[] = [];

  /** `functions`: slot index of each function, from a first pass (lengths never depend on them). */
  constructor(private readonly functions: readonly number[]) {}

  program(p: RandomProgram): void {
    p.init.forEach((value, r) => this.code.push(...lddw(r, value)));
    this.code.push(...lddwData(DATA_BASE, 0));
    p.items.forEach((item) => this.item(item, p.functions.length));
    this.code.push(mov64(0, reg(p.exitWith)), exit());
    p.functions.forEach(({ body, tail }, k) => {
      const start = this.code.length;
      this.functionStarts.push(start);
      this.code.push(...body.flatMap(encodeStraight));
      const next = this.functions[k + 1];
      if (tail === 'recurse') this.code.push(callLocal(start - (this.code.length + 1)));
      if (tail === 'callNext' && next !== undefined) {
        this.code.push(callLocal(next - (this.code.length + 1)));
      }
      this.code.push(exit());
    });
  }

  private item(item: Item, functionCount: number): void {
    switch (item.kind) {
      case 'ops':
        this.code.push(...item.ops.flatMap(encodeStraight));
        return;
      case 'skip': {
        const body = item.body.flatMap(encodeStraight);
        this.code.push(forwardJump(item.jump, body.length), ...body);
        return;
      }
      case 'loop': {
        this.code.push(mov64(COUNTER, item.count));
        const head = this.code.length;
        item.body.forEach((inner) => this.item(inner, functionCount));
        this.code.push(alu64('sub', COUNTER, 1));
        const [width, op] = item.back;
        this.code.push(jmp(width, op, COUNTER, 0, head - (this.code.length + 1)));
        return;
      }
      case 'call': {
        const target = this.functions[item.fn % functionCount] ?? 0;
        this.code.push(callLocal(target - (this.code.length + 1)));
        return;
      }
      case 'helper':
        this.code.push(...(HELPER_SETUP[item.id] ?? []), call(item.id));
        return;
      case 'rawHelper':
        this.code.push(call(item.id));
        return;
      case 'exit':
        this.code.push(exit());
        return;
    }
  }
}

function forwardJump(jump: Forward, over: number): Insn {
  switch (jump[0]) {
    case 'ja':
      return ja(over);
    case 'gotol':
      return gotol(over);
    case 'jmp':
      return jmp(jump[1], jump[2], jump[3], jump[4], over);
  }
}

/** The program's instructions (LDDW as two slots) and the slot where each function starts. */
export function programCode(p: RandomProgram): { code: Insn[]; functions: number[] } {
  const sizing = new Emitter([]);
  sizing.program(p);
  const final = new Emitter(sizing.functionStarts);
  final.program(p);
  return { code: final.code, functions: final.functionStarts };
}

export interface LaidOut {
  image: Uint8Array;
  /** p.handlers with their functions' byte offsets, as invoke() takes them. */
  handlers: Array<{ address: number; args: readonly number[] }>;
}

export function programImage(p: RandomProgram): LaidOut {
  const data = new Uint8Array(DATA_BYTES);
  data.set(p.data);
  const { code, functions } = programCode(p);
  const handlers = p.handlers.map(({ fn, args }) => ({
    address: 8 * functions[fn % functions.length],
    args,
  }));
  return { image: rbf(code, { data, rodata: RODATA }), handlers };
}
