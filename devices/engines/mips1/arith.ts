/**
 * 64-bit products for mult/multu (MIPS32 Vol. II, MULT: "(HI, LO) ← GPR[rs] × GPR[rt]").
 * LO is `Math.imul` for both; HI is computed from 16-bit halves so every partial product
 * stays exact in a double, without BigInt on the hot path.
 */
export function mulHighUnsigned(a: number, b: number): number {
  const aLow = a & 0xffff;
  const aHigh = a >>> 16;
  const bLow = b & 0xffff;
  const bHigh = b >>> 16;
  const cross1 = aHigh * bLow;
  const cross2 = aLow * bHigh;
  const carry = (((aLow * bLow) >>> 16) + (cross1 & 0xffff) + (cross2 & 0xffff)) >>> 16;
  return (aHigh * bHigh + (cross1 >>> 16) + (cross2 >>> 16) + carry) | 0;
}

/** Two's complement: a negative factor contributes -2^32 × the other factor to the product. */
export function mulHighSigned(a: number, b: number): number {
  return (mulHighUnsigned(a, b) - (a < 0 ? b : 0) - (b < 0 ? a : 0)) | 0;
}

/**
 * lwl/lwr/swl/swr, little-endian (MIPS32 Vol. II, LWL/LWR/SWL/SWR with BigEndianCPU = 0):
 * `byte` is address & 3 within the aligned word.
 */
export function loadWordLeft(register: number, memoryWord: number, byte: number): number {
  const shift = (3 - byte) << 3; // LWL fills the register's high bytes from memory
  return (memoryWord << shift) | (register & ((1 << shift) - 1));
}

export function loadWordRight(register: number, memoryWord: number, byte: number): number {
  const shift = byte << 3; // LWR fills the register's low bytes from memory
  return (memoryWord >>> shift) | (register & ~(-1 >>> shift));
}

export function storeWordLeft(register: number, memoryWord: number, byte: number): number {
  const shift = (3 - byte) << 3; // SWL stores the register's high bytes at [word, address]
  return (register >>> shift) | (memoryWord & ~(-1 >>> shift));
}

export function storeWordRight(register: number, memoryWord: number, byte: number): number {
  const shift = byte << 3; // SWR stores the register's low bytes at [address, word end]
  return (register << shift) | (memoryWord & ((1 << shift) - 1));
}
