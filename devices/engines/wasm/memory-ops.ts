import { TOUCH_SHIFT, type LinearMemory } from './memory';
import { outOfBounds } from './trap';

/** Access width in bytes of loads and stores 0x28..0x3e. */
const WIDTH = [4, 8, 4, 8, 1, 1, 2, 2, 1, 1, 2, 2, 4, 4, 4, 8, 4, 8, 1, 2, 1, 2, 4];

/**
 * One load or store (WebAssembly Core Spec §4.4.7) on the value stack: effective address
 * = the i32 operand (unsigned) + the static offset, checked against the accessible cap
 * before any byte moves. Returns the new sp. Little-endian via the DataView; unaligned
 * accesses are allowed, as the spec says.
 */
export function memoryOp(
  op: number,
  memory: LinearMemory,
  s: Int32Array,
  sp: number,
  offset: number,
): number {
  const isStore = op >= 0x36;
  const addressWord = isStore ? sp - 4 : sp - 2;
  const ea = (s[addressWord] >>> 0) + offset;
  const width = WIDTH[op - 0x28];
  if (ea + width > memory.cap) throw outOfBounds(ea, width, memory.cap);
  const dv = memory.dv;
  const a = addressWord;
  switch (op) {
    case 0x28:
      s[a] = dv.getInt32(ea, true);
      return sp; // i32.load
    case 0x29: // i64.load
    case 0x2b: // f64.load
      s[a] = dv.getInt32(ea, true);
      s[a + 1] = dv.getInt32(ea + 4, true);
      return sp;
    case 0x2a:
      s[a] = dv.getInt32(ea, true);
      return sp; // f32.load: the raw bits
    case 0x2c:
      s[a] = dv.getInt8(ea);
      return sp;
    case 0x2d:
      s[a] = dv.getUint8(ea);
      return sp;
    case 0x2e:
      s[a] = dv.getInt16(ea, true);
      return sp;
    case 0x2f:
      s[a] = dv.getUint16(ea, true);
      return sp;
    case 0x30:
      s[a] = dv.getInt8(ea);
      s[a + 1] = s[a] >> 31;
      return sp;
    case 0x31:
      s[a] = dv.getUint8(ea);
      s[a + 1] = 0;
      return sp;
    case 0x32:
      s[a] = dv.getInt16(ea, true);
      s[a + 1] = s[a] >> 31;
      return sp;
    case 0x33:
      s[a] = dv.getUint16(ea, true);
      s[a + 1] = 0;
      return sp;
    case 0x34:
      s[a] = dv.getInt32(ea, true);
      s[a + 1] = s[a] >> 31;
      return sp;
    case 0x35:
      s[a] = dv.getInt32(ea, true);
      s[a + 1] = 0;
      return sp;
    default:
      memory.touched[ea >> TOUCH_SHIFT] = 1;
      memory.touched[(ea + width - 1) >> TOUCH_SHIFT] = 1;
      return store(op, dv, s, a, ea);
  }
}

function store(op: number, dv: DataView, s: Int32Array, a: number, ea: number): number {
  const lo = s[a + 2];
  switch (op) {
    case 0x36: // i32.store
    case 0x38: // f32.store
    case 0x3e: // i64.store32
      dv.setInt32(ea, lo, true);
      break;
    case 0x37: // i64.store
    case 0x39: // f64.store
      dv.setInt32(ea, lo, true);
      dv.setInt32(ea + 4, s[a + 3], true);
      break;
    case 0x3a: // i32.store8
    case 0x3c: // i64.store8
      dv.setInt8(ea, lo);
      break;
    default: // 0x3b i32.store16, 0x3d i64.store16
      dv.setInt16(ea, lo, true);
  }
  return a;
}
