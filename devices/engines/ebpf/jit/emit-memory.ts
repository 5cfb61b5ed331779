import { REGION, STACK_BYTES } from '../../../../src/protocol/images/rbf/layout';
import type { EbpfMemory } from '../memory';
import { Op } from '../ops';

/** Where the stack and data regions sit, fixed at compile time: their checks become constants. */
export interface RegionConstants {
  readonly dataBytes: number;
  readonly dataOffset: number;
  readonly stackOffset: number;
}

export function regionConstants(memory: EbpfMemory): RegionConstants {
  const region = (name: string) => memory.regions.find((r) => r.name === name)!;
  return {
    dataBytes: region('data').bytes,
    dataOffset: region('data').offset,
    stackOffset: region('stack').offset,
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

/**
 * `o = <buffer offset>` for the access, or the fault: the stack and data checks inline
 * (one compare pair each, as memory.ts checks them), the other regions through
 * memory.loadOffset/storeOffset, the interpreter's own check.
 */
function offsetOf(a: Access, c: RegionConstants): string {
  const l = `l${a.base}`;
  const h = `h${a.base}`;
  const n = a.bytes;
  const stackEnd = REGION.stack + STACK_BYTES - n;
  const data =
    c.dataBytes >= n
      ? `else if (${h} === 0 && t >= ${REGION.data} && t <= ${REGION.data + c.dataBytes - n}) o = t - ${REGION.data - c.dataOffset};`
      : '';
  const slow = a.store ? 'storeOffset' : 'loadOffset';
  return (
    `t = (${l} >>> 0) + (${a.offset}); ` +
    `if (${h} === 0 && t >= ${REGION.stack} && t <= ${stackEnd}) o = t - ${REGION.stack - c.stackOffset}; ${data} ` +
    `else { o = memory.${slow}(${h}, t, ${n}); if (o < 0) { ${a.onFault} } }`
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

/**
 * A load or store (RFC 9669 §5), or null for other ops. `fault(write, bytes, base)` gives
 * the statement that leaves with memoryFault's fault for this instruction.
 */
export function emitMemory(
  op: Op,
  fields: { d: number; s: number; offset: number; imm: number },
  regions: RegionConstants,
  fault: (write: boolean, bytes: number, base: number) => string,
): string | null {
  const { d, s, offset, imm } = fields;
  const load = LOADS[op];
  if (load !== undefined) {
    const [bytes, body] = load;
    const onFault = fault(false, bytes, s);
    const check = offsetOf({ bytes, store: false, base: s, offset, onFault }, regions);
    return `${check} ${body(`l${d}`, `h${d}`)}`;
  }
  const store = STORES[op];
  if (store === undefined) return null;
  const [bytes, immediate] = store;
  const onFault = fault(true, bytes, d);
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
