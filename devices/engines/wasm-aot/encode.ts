/** Binary encoding of the module the AOT tier hands to V8 (WebAssembly Core Spec §5). */

export function uleb(n: number): number[] {
  const out: number[] = [];
  let v = n >>> 0;
  do {
    let byte = v & 0x7f;
    v >>>= 7;
    if (v !== 0) byte |= 0x80;
    out.push(byte);
  } while (v !== 0);
  return out;
}

export function sleb(n: number): number[] {
  const out: number[] = [];
  let v = n | 0;
  for (;;) {
    const byte = v & 0x7f;
    v >>= 7;
    const done = (v === 0 && (byte & 0x40) === 0) || (v === -1 && (byte & 0x40) !== 0);
    out.push(done ? byte : byte | 0x80);
    if (done) return out;
  }
}

export const name = (s: string): number[] => {
  const bytes = [...new TextEncoder().encode(s)];
  return [...uleb(bytes.length), ...bytes];
};

export const vec = (items: readonly number[][]): number[] => [
  ...uleb(items.length),
  ...items.flat(),
];

/** A section: id, byte size, contents (§5.5.2). */
export const section = (id: number, contents: number[]): number[] => [
  id,
  ...uleb(contents.length),
  ...contents,
];

/** Limits (§5.3.4); `shared` sets the threads proposal's flag, which needs a maximum. */
export function limits(min: number, max: number | null, shared = false): number[] {
  if (max === null) return [0x00, ...uleb(min)];
  return [shared ? 0x03 : 0x01, ...uleb(min), ...uleb(max)];
}

/** A constant expression of raw bits (§3.3.10), ended. */
export function constExpr(type: number, lo: number, hi: number): number[] {
  switch (type) {
    case 0x7f:
      return [0x41, ...sleb(lo), 0x0b];
    case 0x7e:
      return [0x42, ...sleb64(lo, hi), 0x0b];
    case 0x7d: {
      const b = new Uint8Array(4);
      new DataView(b.buffer).setInt32(0, lo, true);
      return [0x43, ...b, 0x0b];
    }
    default: {
      const b = new Uint8Array(8);
      const view = new DataView(b.buffer);
      view.setInt32(0, lo, true);
      view.setInt32(4, hi, true);
      return [0x44, ...b, 0x0b];
    }
  }
}

function sleb64(lo: number, hi: number): number[] {
  let v = (BigInt(hi | 0) << 32n) | BigInt(lo >>> 0);
  const out: number[] = [];
  for (;;) {
    const byte = Number(v & 0x7fn);
    v >>= 7n;
    const done = (v === 0n && (byte & 0x40) === 0) || (v === -1n && (byte & 0x40) !== 0);
    out.push(done ? byte : byte | 0x80);
    if (done) return out;
  }
}
