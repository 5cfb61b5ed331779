import type { DecodedText } from '../decode';
import type { EmitLayout } from './emit';

/**
 * Regions translated for one text and layout, shared by every load of the same program:
 * building a region's source takes about as long as running a short benchmark once, and
 * a device reloads the same image. The source depends on nothing else (block.ts, emit.ts),
 * so a hit is exact: the whole pre-decoded text and every layout number are compared.
 */
const MAX_TEXTS = 32;

interface SharedText {
  readonly code: Int32Array;
  readonly layout: readonly number[];
  readonly regions: Map<number, unknown>;
}

const texts = new Map<number, SharedText[]>();
let count = 0;

/** The region map (entry text offset → what the tier keeps) for this text and layout. */
export function sharedRegions<T>(text: DecodedText, layout: EmitLayout): Map<number, T> {
  const numbers = layoutNumbers(text, layout);
  const key = hashOf(text.code, numbers);
  const bucket = texts.get(key) ?? [];
  const hit = bucket.find((s) => same(s.code, text.code) && same(s.layout, numbers));
  if (hit) return hit.regions as Map<number, T>;
  if (count >= MAX_TEXTS) dropOldest();
  const shared = { code: Int32Array.from(text.code), layout: numbers, regions: new Map() };
  texts.set(key, [...bucket, shared]);
  count++;
  return shared.regions as Map<number, T>;
}

function layoutNumbers(text: DecodedText, l: EmitLayout): number[] {
  return [text.textBytes, l.base, l.loadLo, l.storeLo, l.load1, l.load2, l.load4].concat([
    l.store1,
    l.store2,
    l.store4,
  ]);
}

function dropOldest(): void {
  const [key, bucket] = texts.entries().next().value!;
  if (bucket.length > 1) texts.set(key, bucket.slice(1));
  else texts.delete(key);
  count--;
}

/** FNV-1a over the words and the layout: picks the bucket, `same` decides. */
function hashOf(code: Int32Array, numbers: readonly number[]): number {
  let h = 0x811c9dc5 | 0;
  for (let i = 0; i < code.length; i++) h = Math.imul(h ^ code[i], 0x01000193);
  for (const n of numbers) h = Math.imul(h ^ n, 0x01000193);
  return h;
}

function same(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
