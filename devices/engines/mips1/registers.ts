/** Conventional o32 names of r0..r31, as inspect() reports them. */
export const REGISTER_NAMES: readonly string[] = [
  'zero',
  'at',
  'v0',
  'v1',
  'a0',
  'a1',
  'a2',
  'a3',
  't0',
  't1',
  't2',
  't3',
  't4',
  't5',
  't6',
  't7',
  's0',
  's1',
  's2',
  's3',
  's4',
  's5',
  's6',
  's7',
  't8',
  't9',
  'k0',
  'k1',
  'gp',
  'sp',
  'fp',
  'ra',
];

/** Register numbers the engine itself uses (o32 ABI roles). */
export const Reg = {
  v0: 2,
  a0: 4,
  sp: 29,
  ra: 31,
} as const;

/** Registers by name as unsigned 32-bit values, plus hi, lo and pc. */
export function namedRegisters(
  regs: Int32Array,
  hi: number,
  lo: number,
  pc: number,
): Record<string, number> {
  const named: Record<string, number> = {};
  REGISTER_NAMES.forEach((name, index) => (named[name] = regs[index] >>> 0));
  named.hi = hi >>> 0;
  named.lo = lo >>> 0;
  named.pc = pc >>> 0;
  return named;
}
