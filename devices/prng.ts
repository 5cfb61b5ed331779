/** A source of uniform numbers in [0, 1), like Math.random but reproducible. */
export type Random = () => number;

/**
 * mulberry32: a 32-bit state PRNG, tiny and fast, good enough for simulation jitter
 * (not for anything security-related). The same seed gives the same sequence.
 */
export function mulberry32(seed: number): Random {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Derives a 32-bit seed from a base seed and a name (FNV-1a), so every device in a fleet
 * gets its own sequence that does not depend on the order the devices were started in.
 */
export function deriveSeed(baseSeed: number, name: string): number {
  let hash = (0x811c9dc5 ^ baseSeed) >>> 0;
  for (let i = 0; i < name.length; i++) {
    hash ^= name.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}
