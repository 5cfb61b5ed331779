import type { CpuState } from './cpu';

const TWO_32 = 4294967296;

/**
 * r0..r10 for inspect(): each 64-bit register as a signed number when it is exact as one
 * (|v| ≤ 2^53, which covers every address and 32-bit value), otherwise rounded to the
 * nearest double; `rN.hi`/`rN.lo` carry the exact unsigned 32-bit halves for those.
 * Plus `depth`, the number of active bpf-to-bpf calls.
 */
export function namedRegisters(cpu: CpuState): Record<string, number> {
  const named: Record<string, number> = {};
  for (let n = 0; n <= 10; n++) {
    const lo = cpu.regs[2 * n] >>> 0;
    const hi = cpu.regs[2 * n + 1];
    const value = hi * TWO_32 + lo;
    named[`r${n}`] = value;
    if (!Number.isSafeInteger(value)) {
      named[`r${n}.hi`] = hi >>> 0;
      named[`r${n}.lo`] = lo;
    }
  }
  named.depth = cpu.depth;
  return named;
}
