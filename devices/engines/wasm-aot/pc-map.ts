import { uleb } from './encode';

/**
 * From a position in the instrumented module back to the guest's instruction
 * (README.md, "Fault pc"): V8's stack trace names a wasm frame by function index and
 * module byte offset (`wasm-function[7]:0x1a2b`); each rewritten body keeps, per original
 * instruction, where its code starts in the body and the instruction's offset in the
 * original module, the pc the interpreter reports.
 */
export class PcMap {
  private readonly bodyStarts: number[] = [];
  private readonly marks: Int32Array[] = [];

  /** `firstGuest`: index of the first defined function in the instrumented module. */
  constructor(readonly firstGuest: number) {}

  /** Guest function indices in the instrumented module are [firstGuest, end). */
  get end(): number {
    return this.firstGuest + this.marks.length;
  }

  /** A body's marks: pairs (position in the body, original offset), positions ascending. */
  add(marks: readonly number[]): void {
    this.marks.push(Int32Array.from(marks));
  }

  /** Where the bodies land: the code section starts at `sectionStart` of the module. */
  place(sectionStart: number, sectionSize: number, bodies: readonly number[][]): void {
    let at = sectionStart + 1 + uleb(sectionSize).length + uleb(bodies.length).length;
    for (const body of bodies) {
      at += uleb(body.length).length;
      this.bodyStarts.push(at);
      at += body.length;
    }
  }

  /** The original offset of the instruction at `offset` of instrumented function `func`; 0 if unknown. */
  sourceOffset(func: number, offset: number): number {
    const i = func - this.firstGuest;
    const marks = this.marks[i];
    if (marks === undefined || marks.length === 0) return 0;
    const rel = offset - this.bodyStarts[i];
    let lo = 0;
    let hi = marks.length / 2 - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (marks[2 * mid] <= rel) lo = mid;
      else hi = mid - 1;
    }
    return marks[2 * lo + 1];
  }

  get bytes(): number {
    return this.marks.reduce((n, m) => n + m.byteLength, 0) + this.bodyStarts.length * 8;
  }
}
