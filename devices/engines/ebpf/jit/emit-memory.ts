import { FRAME_POINTER } from '../../../../src/protocol/images/rbf/isa';
import { REGION, STACK_BYTES } from '../../../../src/protocol/images/rbf/layout';
import type { EbpfMemory } from '../memory';
import { Op } from '../ops';

/** Where the stack, data and rodata regions sit, fixed at compile time: their checks become constants. */
export interface RegionConstants {
  readonly dataBytes: number;
  readonly dataOffset: number;
  readonly stackOffset: number;
  readonly rodataBytes: number;
  readonly rodataOffset: number;
}

/**
 * Offsets are 16-bit, so a 32-bit address that wraps (lo + offset outside [0, 2^32)) lands
 * within 32 KiB of 0 or of 2^32: no region lies there (layout.ts), so the int32 sum below
 * maps exactly the addresses memory.ts maps.
 */
const WRAP_MARGIN = 0x8000;

export function regionConstants(memory: EbpfMemory): RegionConstants {
  for (const r of memory.regions) {
    if (r.base < WRAP_MARGIN || r.base + r.bytes > 0x8000_0000 - WRAP_MARGIN)
      throw new Error(`ebpf-jit: region ${r.name} at ${r.base} is too near a wrap of the address`);
  }
  const region = (name: string) => memory.regions.find((r) => r.name === name)!;
  return {
    dataBytes: region('data').bytes,
    dataOffset: region('data').offset,
    stackOffset: region('stack').offset,
    rodataBytes: region('rodata').bytes,
    rodataOffset: region('rodata').offset,
  };
}

/** How one memory instruction reads or writes, and the code that leaves on its fault. */
interface Access {
  readonly bytes: 1 | 2 | 4 | 8;
  readonly store: boolean;
  /** The base register (src for loads, dst for stores) and the offset. */
  readonly base: number;
  readonly offset: number;
  /** Statement that ends the block with the fault (counts restored by the caller's text). */
  readonly onFault: string;
}

/** An `if … else` arm: address `t` inside [base, base + bytes - n] maps to buffer `offset` + (t - base). */
function inlineRegion(h: string, base: number, bytes: number, offset: number, n: number) {
  if (bytes < n) return '';
  return `if (${h} === 0 && (t - ${base}) >>> 0 <= ${bytes - n}) o = t - ${base - offset}; else`;
}

/**
 * `o = <buffer offset>` for the access, or the fault. `t` is the address's low word as an
 * int32 (WRAP_MARGIN), tested with one unsigned compare per region: stack, data (and
 * rodata for loads) inline, as memory.ts checks them (the regions do not overlap, so the
 * order of the tests changes nothing but their cost); anything else (a high word, the
 * helper buffer, a fault) through memory.loadOffset/storeOffset, the interpreter's own
 * check, on the exact address.
 */
function offsetOf(a: Access, c: RegionConstants): string {
  const l = `l${a.base}`;
  const h = `h${a.base}`;
  const n = a.bytes;
  const slow = a.store ? 'storeOffset' : 'loadOffset';
  const stack = inlineRegion(h, REGION.stack, STACK_BYTES, c.stackOffset, n);
  const data = inlineRegion(h, REGION.data, c.dataBytes, c.dataOffset, n);
  const rodata = a.store ? '' : inlineRegion(h, REGION.rodata, c.rodataBytes, c.rodataOffset, n);
  // r10 addresses the frame: its accesses test the stack first; others test data first
  // (arrays and globals), then the stack (locals passed by address), then rodata.
  const arms = a.base === FRAME_POINTER ? [stack, data, rodata] : [data, stack, rodata];
  return (
    `t = (${l} + (${a.offset})) | 0; ${arms.join(' ')} ` +
    `{ o = memory.${slow}(${h}, (${l} >>> 0) + (${a.offset}), ${n}); if (o < 0) { ${a.onFault} } }`
  );
}

type LoadBody = (lo: string, hi: string) => string;
/** LDX zero-extends, MEMSX (ISA v4) sign-extends into the 64-bit register. */
const LOADS: Partial<Record<Op, readonly [1 | 2 | 4 | 8, LoadBody]>> = {
  [Op.Ldxb]: [1, (lo, hi) => `${lo} = view.getUint8(o); ${hi} = 0;`],
  [Op.Ldxh]: [2, (lo, hi) => `${lo} = view.getUint16(o, true); ${hi} = 0;`],
  [Op.Ldxw]: [4, (lo, hi) => `${lo} = view.getInt32(o, true); ${hi} = 0;`],
  [Op.Ldxdw]: [
    8,
    (lo, hi) => `${lo} = view.getInt32(o, true); ${hi} = view.getInt32(o + 4, true);`,
  ],
  [Op.Ldxsb]: [1, (lo, hi) => `${lo} = view.getInt8(o); ${hi} = ${lo} >> 31;`],
  [Op.Ldxsh]: [2, (lo, hi) => `${lo} = view.getInt16(o, true); ${hi} = ${lo} >> 31;`],
  [Op.Ldxsw]: [4, (lo, hi) => `${lo} = view.getInt32(o, true); ${hi} = ${lo} >> 31;`],
};

/** [bytes, immediate (ST) or register (STX)]. */
const STORES: Partial<Record<Op, readonly [1 | 2 | 4 | 8, boolean]>> = {
  [Op.Stb]: [1, true],
  [Op.Sth]: [2, true],
  [Op.Stw]: [4, true],
  [Op.Stdw]: [8, true],
  [Op.Stxb]: [1, false],
  [Op.Stxh]: [2, false],
  [Op.Stxw]: [4, false],
  [Op.Stxdw]: [8, false],
};

/** A memory op's width, whether it writes, and its base register; null for other ops. */
export function accessOf(
  op: Op,
  d: number,
  s: number,
): { bytes: 1 | 2 | 4 | 8; store: boolean; base: number } | null {
  const load = LOADS[op];
  if (load !== undefined) return { bytes: load[0], store: false, base: s };
  const store = STORES[op];
  return store === undefined ? null : { bytes: store[0], store: true, base: d };
}

/**
 * A load or store (RFC 9669 §5), or null for other ops. `onFault` is the statement that
 * leaves with the instruction's memory fault (built outside from accessOf and the
 * registers: the faulting access has changed none).
 */
export function emitMemory(
  op: Op,
  fields: { d: number; s: number; offset: number; imm: number },
  regions: RegionConstants,
  onFault: string,
): string | null {
  const { d, s, offset, imm } = fields;
  const load = LOADS[op];
  if (load !== undefined) {
    const [bytes, body] = load;
    const check = offsetOf({ bytes, store: false, base: s, offset, onFault }, regions);
    return `${check} ${body(`l${d}`, `h${d}`)}`;
  }
  const store = STORES[op];
  if (store === undefined) return null;
  const [bytes, immediate] = store;
  const check = offsetOf({ bytes, store: true, base: d, offset, onFault }, regions);
  const lo = immediate ? `(${imm})` : `l${s}`;
  const hi = immediate ? `(${imm >> 31})` : `h${s}`;
  switch (bytes) {
    case 1:
      return `${check} view.setUint8(o, ${lo} & 255);`;
    case 2:
      return `${check} view.setUint16(o, ${lo} & 65535, true);`;
    case 4:
      return `${check} view.setInt32(o, ${lo}, true);`;
    case 8:
      return `${check} view.setInt32(o, ${lo}, true); view.setInt32(o + 4, ${hi}, true);`;
  }
}
