import { asm, li, R } from '../../testing/asm';
import { LOAD_ADDRESS, testImage } from '../../testing/harness';
import {
  COUNTER,
  DATA_BASE,
  DATA_BYTES,
  INDIRECT,
  INIT_REGISTERS,
  type Item,
  type RandomProgram,
  type Straight,
} from './random-program';

/** Test-only: lays a RandomProgram out as MIPS-I words and an image (random.spec.ts). */

const ops = asm as unknown as Record<string, (...operands: number[]) => number>;
const encode = ([name, ...operands]: Straight): number => ops[name](...operands);

/** Addresses the text refers to; the first pass runs with zeros (lengths never depend on them). */
interface Addresses {
  data: number;
  functions: number[];
}

class Emitter {
  readonly words: number[] = [];
  readonly functionStarts: number[] = [];

  constructor(private readonly at: Addresses) {}

  private get address(): number {
    return LOAD_ADDRESS + 4 * this.words.length;
  }

  program(p: RandomProgram): void {
    this.words.push(...li(DATA_BASE, this.at.data));
    INIT_REGISTERS.forEach((reg, k) => {
      if (reg !== 0) this.words.push(...li(reg, p.init[k] ?? 0));
    });
    p.items.forEach((item) => this.item(item, p.functions.length));
    if (p.end.kind === 'exit') {
      this.words.push(asm.addu(R.a0, p.end.reg, 0), asm.addiu(R.v0, 0, 1), asm.syscall());
    }
    this.words.push(asm.break(0x3ff));
    for (const fn of p.functions) {
      this.functionStarts.push(this.address);
      this.words.push(...fn.body.map(encode), asm.jr(R.ra), encode(fn.slot));
    }
  }

  private item(item: Item, functionCount: number): void {
    switch (item.kind) {
      case 'ops':
        this.words.push(...item.ops.map(encode));
        return;
      case 'skip':
        this.skip(item.branch, item.slot, item.body);
        return;
      case 'loop': {
        this.words.push(asm.addiu(COUNTER, 0, item.count));
        const head = this.words.length;
        item.body.forEach((inner) => this.item(inner, functionCount));
        this.words.push(asm.addiu(COUNTER, COUNTER, -1));
        const offset = head - (this.words.length + 1);
        const back = item.back === 'bgtz' ? asm.bgtz(COUNTER, offset) : asm.bne(COUNTER, 0, offset);
        this.words.push(back, encode(item.slot));
        return;
      }
      case 'call': {
        const target = this.at.functions[item.fn % functionCount] ?? 0;
        if (item.via === 'jal') this.words.push(asm.jal(target));
        else this.words.push(...li(INDIRECT, target), asm.jalr(R.ra, INDIRECT));
        this.words.push(encode(item.slot));
        return;
      }
      case 'wild': {
        const target = {
          zero: 0,
          misaligned: this.address + 2,
          high: 0x7ffffff0,
          data: this.at.data,
        }[item.target];
        const jump = item.via === 'jr' ? asm.jr(INDIRECT) : asm.jalr(R.ra, INDIRECT);
        this.words.push(...li(INDIRECT, target), jump, encode(item.slot));
        return;
      }
      case 'trap':
        if (item.trap === 'illegal')
          this.words.push(0xfc000000); // opcode 63: reserved
        else this.words.push(asm.beq(0, 0, 2), asm.bne(0, 0, 1), asm.nop());
        return;
      case 'syscall':
        if (item.number === 2) this.words.push(asm.addu(R.a0, DATA_BASE, 0));
        this.words.push(asm.addiu(R.v0, 0, item.number), asm.syscall());
        return;
    }
  }

  /** A transfer over `body`: lands right after it, whether a branch is taken or not. */
  private skip(branch: Straight, slot: Straight, body: readonly Straight[]): void {
    const [name, ...regs] = branch;
    const over = body.length + 1; // in words from the delay slot
    const after = (from: number) => LOAD_ADDRESS + 4 * (from + 1 + over);
    if (name === 'j') this.words.push(asm.j(after(this.words.length)));
    else if (name === 'jr') {
      this.words.push(...li(INDIRECT, after(this.words.length + 2)), asm.jr(INDIRECT));
    } else this.words.push(ops[name](...regs, over));
    this.words.push(encode(slot), ...body.map(encode));
  }
}

/** The program's text words, where its data region starts (right after text), its functions. */
export function programText(p: RandomProgram): {
  words: number[];
  dataAddress: number;
  functions: number[];
} {
  const sizing = new Emitter({ data: 0, functions: [] });
  sizing.program(p);
  const dataAddress = LOAD_ADDRESS + 4 * sizing.words.length;
  const final = new Emitter({ data: dataAddress, functions: sizing.functionStarts });
  final.program(p);
  return { words: final.words, dataAddress, functions: final.functionStarts };
}

export interface LaidOut {
  image: Uint8Array;
  dataAddress: number;
  /** p.handlers with their functions' addresses. */
  handlers: Array<{ address: number; args: readonly number[] }>;
}

export function programImage(p: RandomProgram): LaidOut {
  const { words, dataAddress, functions } = programText(p);
  const data = new Uint8Array(DATA_BYTES);
  data.set(p.data);
  const handlers = p.handlers.map(({ fn, args }) => ({
    address: functions[fn % functions.length],
    args,
  }));
  return { image: testImage({ text: words, data }), dataAddress, handlers };
}
