import { ValType, type ConstBits } from '../../src/protocol/images/wasm';

/** A value as wast2json writes it: integers and float bits as unsigned decimal strings. */
export interface JsonValue {
  type: string;
  value: string;
}

const TYPES: Readonly<Record<string, ValType>> = {
  i32: ValType.I32,
  i64: ValType.I64,
  f32: ValType.F32,
  f64: ValType.F64,
};

export function valType(name: string): ValType {
  const type = TYPES[name];
  if (type === undefined) throw new Error(`value type "${name}" is not an MVP type`);
  return type;
}

/** The raw bits of an argument or expected value (`nan:*` patterns are not values). */
export function toBits({ type, value }: JsonValue): ConstBits {
  const t = valType(type);
  if (!/^\d+$/.test(value)) throw new Error(`${type} value "${value}" is not a bit pattern`);
  if (t === ValType.I32 || t === ValType.F32) return { type: t, lo: Number(value) | 0, hi: 0 };
  const bits = BigInt(value);
  return {
    type: t,
    lo: Number(BigInt.asIntN(32, bits)),
    hi: Number(BigInt.asIntN(32, bits >> 32n)),
  };
}

/**
 * Bit-exact comparison (§A "assert_return"): a number must have the same bits, NaN
 * included; `nan:canonical` is a NaN with only the quiet bit of the payload set (either
 * sign), `nan:arithmetic` any NaN with the quiet bit set.
 */
export function matches(expected: JsonValue, actual: ConstBits): boolean {
  const type = valType(expected.type);
  if (actual.type !== type) return false;
  const wide = type === ValType.F64 || type === ValType.I64;
  switch (expected.value) {
    case 'nan:canonical':
      return wide
        ? (actual.hi & 0x7fffffff) === 0x7ff80000 && actual.lo === 0
        : (actual.lo & 0x7fffffff) === 0x7fc00000;
    case 'nan:arithmetic':
      return wide
        ? (actual.hi & 0x7ff80000) === 0x7ff80000
        : (actual.lo & 0x7fc00000) === 0x7fc00000;
    default: {
      const bits = toBits(expected);
      return bits.lo === actual.lo && (!wide || bits.hi === actual.hi);
    }
  }
}

/** `i32:0x0000002a`, `f64:0x7ff8000000000000`: how failures print a value. */
export function showBits(value: ConstBits): string {
  const hex = (n: number) => (n >>> 0).toString(16).padStart(8, '0');
  const name = Object.keys(TYPES).find((k) => TYPES[k] === value.type) ?? '?';
  const wide = value.type === ValType.F64 || value.type === ValType.I64;
  return `${name}:0x${wide ? hex(value.hi) : ''}${hex(value.lo)}`;
}

export const showJson = (v: JsonValue) => `${v.type}:${v.value}`;
