import { median, printTable } from './stats';

/** The target for the interpreter: median guest MIPS over the benchmark programs. */
export const AIM_GUEST_MIPS = 150;

/** Per-round samples of one program on both sides (native ones empty if skipped). */
export interface Samples {
  name: string;
  set: string;
  imageBytes: number;
  instructions: number;
  peakGuestBytes: number;
  loadMs: number[];
  execMs: number[];
  nativeMs: number[];
  emptyMs: number[];
}

/** Process start as the empty program measures it, and how finely that lets us time. */
export interface SpawnBaseline {
  /** Median over every round of every program (for the summary line). */
  emptyMs: number;
  /**
   * 3 × the median absolute deviation of the empty runs from their own program's median:
   * the jitter left in a paired difference. An adjusted native time below it is noise.
   */
  resolutionMs: number;
}

export interface Row {
  program: string;
  set: string;
  imageBytes: number;
  loadMs: number;
  instructions: number;
  execMs: number;
  guestMips: number;
  nativeMs: number | null;
  /** The empty program, spawned interleaved with this one in the same rounds. */
  emptyMs: number | null;
  nativeAdjustedMs: number | null;
  /** The adjusted native time is under the spawn timing resolution: no slowdown given. */
  nativeBelowResolution: boolean;
  slowdown: number | null;
  peakGuestBytes: number;
}

export function spawnBaseline(samples: readonly Samples[]): SpawnBaseline | null {
  const empties = samples.flatMap((s) => s.emptyMs);
  if (!empties.length) return null;
  const jitter = samples.flatMap((s) => {
    const own = median(s.emptyMs);
    return s.emptyMs.map((x) => Math.abs(x - own));
  });
  return { emptyMs: median(empties), resolutionMs: 3 * median(jitter) };
}

/** Native time minus the empty program's, both medians of the same program's rounds. */
export function toRow(s: Samples, base: SpawnBaseline | null): Row {
  const execMs = median(s.execMs);
  const nativeMs = base ? median(s.nativeMs) : null;
  const emptyMs = base ? median(s.emptyMs) : null;
  const nativeAdjustedMs = nativeMs !== null && emptyMs !== null ? nativeMs - emptyMs : null;
  const below = base !== null && nativeAdjustedMs !== null && nativeAdjustedMs < base.resolutionMs;
  return {
    program: s.name,
    set: s.set,
    imageBytes: s.imageBytes,
    loadMs: median(s.loadMs),
    instructions: s.instructions,
    execMs,
    guestMips: median(s.execMs.map((ms) => s.instructions / ms / 1000)),
    nativeMs,
    emptyMs,
    nativeAdjustedMs,
    nativeBelowResolution: below,
    slowdown: nativeAdjustedMs !== null && !below ? execMs / nativeAdjustedMs : null,
    peakGuestBytes: s.peakGuestBytes,
  };
}

const geomean = (xs: number[]) => Math.exp(xs.reduce((a, x) => a + Math.log(x), 0) / xs.length);
const fixed = (x: number | null, digits: number) => (x === null ? '-' : x.toFixed(digits));

const HEADER = [
  'program',
  'set',
  'image B',
  'load ms',
  'instructions',
  'exec ms',
  'guest MIPS',
  'native ms',
  'empty ms',
  'adj. ms',
  'slowdown',
  'peak RAM B',
];

function tableRow(r: Row): string[] {
  return [
    r.program,
    r.set,
    String(r.imageBytes),
    r.loadMs.toFixed(3),
    String(r.instructions),
    r.execMs.toFixed(1),
    r.guestMips.toFixed(1),
    fixed(r.nativeMs, 2),
    fixed(r.emptyMs, 2),
    fixed(r.nativeAdjustedMs, 2),
    r.nativeBelowResolution ? '(noise)' : fixed(r.slowdown, 1),
    String(r.peakGuestBytes),
  ];
}

function printNativeSummary(rows: readonly Row[], base: SpawnBaseline | null): void {
  if (!base) return console.log('native side skipped: no slowdowns');
  const slowdowns = rows.flatMap((r) => (r.slowdown === null ? [] : [r.slowdown]));
  const noise = rows.filter((r) => r.nativeBelowResolution).map((r) => r.program);
  console.log(
    `empty C program spawn-to-exit: ${base.emptyMs.toFixed(2)} ms (median of all rounds); ` +
      `timing resolution ~${base.resolutionMs.toFixed(2)} ms (3 x MAD of the empty runs)`,
  );
  console.log(
    `geometric mean slowdown (mips1 exec / native adj.) over ${slowdowns.length} programs: ` +
      (slowdowns.length ? `${geomean(slowdowns).toFixed(1)}x` : 'n/a'),
  );
  if (noise.length)
    console.log(
      `(noise): native computation below the resolution, left out of the mean: ${noise.join(', ')}`,
    );
}

export function report(samples: readonly Samples[], rounds: number, json: boolean): void {
  const base = spawnBaseline(samples);
  const rows = samples.map((s) => toRow(s, base));
  console.log('');
  printTable([HEADER, ...rows.map(tableRow)]);
  console.log(
    'medians over rounds; native and empty ms = spawn to exit, fastest of the round; ' +
      'adj. = native - empty; slowdown = exec / adj.',
  );
  console.log('');
  const mips = median(rows.map((r) => r.guestMips));
  console.log(
    `median guest MIPS over ${rows.length} programs: ${mips.toFixed(1)} (aim >= ${AIM_GUEST_MIPS})`,
  );
  printNativeSummary(rows, base);
  if (json) {
    const slowdowns = rows.flatMap((r) => (r.slowdown === null ? [] : [r.slowdown]));
    const summary = {
      medianGuestMips: mips,
      aimGuestMips: AIM_GUEST_MIPS,
      emptySpawnMs: base?.emptyMs ?? null,
      resolutionMs: base?.resolutionMs ?? null,
      geomeanSlowdown: slowdowns.length ? geomean(slowdowns) : null,
    };
    console.log(JSON.stringify({ rounds, rows, summary }, null, 2));
  }
}
