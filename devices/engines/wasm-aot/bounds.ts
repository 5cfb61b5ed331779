import { PAGE_BYTES } from '../../../src/protocol/images/wasm';
import { sleb, uleb } from './encode';
import { WHY_BAD_ADDRESS } from './protocol';

/**
 * Bounds checks for a grant that ends inside a page (nrf52840: 228 KiB, 3.56 pages). V8's
 * memory has whole pages only, so its own check lets the guest use the rest of the last
 * page, where the interpreter traps bad_address (LinearMemory: `ea + width <= cap`). For
 * such a grant every load and store goes through a helper that checks against the grant;
 * a grant of whole pages keeps V8's check alone (the helpers cost a call per access).
 */
export const needsBoundsChecks = (grantBytes: number): boolean => grantBytes % PAGE_BYTES !== 0;

const I32 = 0x7f;
const I64 = 0x7e;
const F32 = 0x7d;
const F64 = 0x7c;

/** Bytes each load (0x28–0x35) and store (0x36–0x3e) reads or writes, by opcode. */
const WIDTH: Record<number, number> = {
  0x28: 4,
  0x29: 8,
  0x2a: 4,
  0x2b: 8,
  0x2c: 1,
  0x2d: 1,
  0x2e: 2,
  0x2f: 2,
  0x30: 1,
  0x31: 1,
  0x32: 2,
  0x33: 2,
  0x34: 4,
  0x35: 4,
  0x36: 4,
  0x37: 8,
  0x38: 4,
  0x39: 8,
  0x3a: 1,
  0x3b: 2,
  0x3c: 1,
  0x3d: 2,
  0x3e: 4,
};
/** The value type each store takes. */
const STORED: Record<number, number> = {
  0x36: I32,
  0x37: I64,
  0x38: F32,
  0x39: F64,
  0x3a: I32,
  0x3b: I32,
  0x3c: I64,
  0x3d: I64,
  0x3e: I64,
};

export const isLoad = (op: number) => op >= 0x28 && op <= 0x35;
export const isStore = (op: number) => op >= 0x36 && op <= 0x3e;

/** The memarg's offset (after the alignment exponent) of the instruction at `at`. */
export function memargOffset(bytes: Uint8Array, at: number): number {
  let p = at + 1;
  while (bytes[p] & 0x80) p++; // alignment
  p++;
  let offset = 0;
  let shift = 0;
  for (;;) {
    const b = bytes[p++];
    offset += (b & 0x7f) * 2 ** shift;
    shift += 7;
    if ((b & 0x80) === 0) return offset;
  }
}

export interface BoundsGlobals {
  why: number;
  address: number;
}

/** The body's scratch locals the checks use: the address, and a stored value per type. */
export interface BoundsLocals {
  address: number[];
  value: Record<number, number[]>;
}

/**
 * The access `instruction` (its original bytes) with its check inline (calls cost more:
 * Node 20's V8 does not inline wasm functions): traps bad_address, noting the effective
 * address, when `address + offset + width` passes the grant. A store's value waits in a
 * scratch local of its type while the address is checked.
 */
export function checkedAccess(
  instruction: Uint8Array,
  cap: number,
  locals: BoundsLocals,
  g: BoundsGlobals,
): number[] {
  const op = instruction[0];
  const offset = memargOffset(instruction, 0);
  const a = locals.address;
  const limit = cap - WIDTH[op] - offset;
  const past = limit < 0 ? [0x41, 1] : [0x20, ...a, 0x41, ...sleb(limit), 0x4b]; // a >u limit
  const check = [
    ...past,
    ...[0x04, 0x40, 0x20, ...a, 0x41, ...sleb(offset | 0), 0x6a, 0x24, ...uleb(g.address)],
    ...[0x41, WHY_BAD_ADDRESS, 0x24, ...uleb(g.why), 0x00, 0x0b],
  ];
  if (!isStore(op)) return [0x22, ...a, ...check, ...instruction];
  const v = locals.value[STORED[op]];
  return [0x21, ...v, 0x22, ...a, ...check, 0x20, ...v, ...instruction];
}
