import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Arbitrary } from 'fast-check';

/**
 * One fuzz target: a decoder or validator, the inputs to throw at it and the properties it
 * must keep. Every input is a byte string, so a crashing one is saved and replayed as it is
 * (test/fuzz/corpus/<target>/<hash>.bin).
 */
export interface FuzzTarget {
  name: string;
  /** What is fuzzed, for the report. */
  covers: string;
  /** Structured inputs: mutations of real valid inputs, generated valid inputs, random bytes. */
  inputs: () => Arbitrary<Uint8Array>;
  /**
   * Runs the decoder on one input. Returns normally when it accepted or refused the input as
   * documented; throws PropertyViolation when a property fails, and lets any undocumented
   * error escape (that is the crash).
   */
  check: (input: Uint8Array) => Outcome | Promise<Outcome>;
  /** Loads what the target needs once (interpreters, keys), outside any time bound. */
  warmUp?: () => Promise<void>;
  /** Releases what warmUp or the inputs started (worker threads), after the run. */
  tearDown?: () => void;
  /** Inputs the bounded CI run generates (a few seconds' worth). */
  ciRuns: number;
  /**
   * Crashes found and reported but not fixed yet (the fix lies outside the decoder): counted
   * apart as `open`, so the campaign still runs; corpus/<target>/open/ proves each still
   * happens. Drop the entry with the fix.
   */
  knownOpen?: readonly OpenFinding[];
}

export interface OpenFinding {
  id: string;
  /** What goes wrong and where it must be fixed. */
  summary: string;
  /** Matches the crash description judge() gives. */
  matches?: RegExp;
  /** For a finding that is slowness, not a crash: which slow inputs it explains. */
  slowWhen?: (input: Uint8Array) => boolean;
}

/** What the decoder did with an input that broke nothing: the round trips run on `accepted`. */
export type Outcome = 'accepted' | 'refused';

/** A property that the decoder broke without throwing: a wrong round trip, a bad result. */
export class PropertyViolation extends Error {
  override name = 'PropertyViolation';
}

/** Per-input time bound: an input slower than this counts as a hang. */
export const DEFAULT_BOUND_MS = 1000;

export type Verdict =
  | { kind: 'ok'; ms: number; outcome: Outcome }
  | { kind: 'crash'; ms: number; error: string }
  | { kind: 'open'; ms: number; error: string; id: string }
  | { kind: 'slow'; ms: number };

/** Runs one input through a target and says how it went; never throws. */
export async function judge(
  target: FuzzTarget,
  input: Uint8Array,
  boundMs = DEFAULT_BOUND_MS,
): Promise<Verdict> {
  const started = performance.now();
  let outcome: Outcome;
  try {
    outcome = await target.check(input);
  } catch (err) {
    const ms = performance.now() - started;
    const error = describe(err);
    const open = target.knownOpen?.find((f) => f.matches?.test(error));
    return open ? { kind: 'open', ms, error, id: open.id } : { kind: 'crash', ms, error };
  }
  const ms = performance.now() - started;
  if (ms <= boundMs) return { kind: 'ok', ms, outcome };
  const open = target.knownOpen?.find((f) => f.slowWhen?.(input));
  const error = `took ${ms.toFixed(0)} ms, over the ${boundMs} ms bound`;
  return open ? { kind: 'open', ms, error, id: open.id } : { kind: 'slow', ms };
}

/** Like judge(), but throws a readable Error for anything but ok (for fast-check and jest). */
export async function expectHandled(
  target: FuzzTarget,
  input: Uint8Array,
  boundMs = DEFAULT_BOUND_MS,
): Promise<Outcome> {
  const verdict = await judge(target, input, boundMs);
  if (verdict.kind === 'crash') throw new Error(`${target.name}: ${verdict.error}`);
  if (verdict.kind === 'slow') {
    throw new Error(
      `${target.name}: input took ${verdict.ms.toFixed(0)} ms, over the ${boundMs} ms bound`,
    );
  }
  return verdict.kind === 'open' ? 'refused' : verdict.outcome;
}

/**
 * An Error from any realm: under Jest, errors thrown by Node's own modules (Buffer) come from
 * the main context and fail `instanceof Error` in the test's.
 */
export function isErrorLike(err: unknown): err is Error {
  if (err instanceof Error) return true;
  const e = err as { name?: unknown; message?: unknown } | null;
  return (
    typeof e === 'object' &&
    e !== null &&
    typeof e.name === 'string' &&
    typeof e.message === 'string'
  );
}

export function describe(err: unknown): string {
  if (isErrorLike(err)) {
    const where = err.stack?.split('\n').slice(1, 4).join(' | ').replace(/\s+/g, ' ') ?? '';
    return `${err.name}: ${err.message.slice(0, 300)}${where ? ` (${where})` : ''}`;
  }
  return `non-Error thrown: ${String(err).slice(0, 300)}`;
}

/** Where crashing inputs live; the CI run replays every file. */
export const CORPUS_DIR = path.join(__dirname, 'corpus');

/** Saved inputs of a target: its regressions, or (`open`) the inputs of its open findings. */
export function corpusFiles(target: string, open = false): string[] {
  const dir = path.join(CORPUS_DIR, target, open ? 'open' : '');
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.bin'))
    .sort()
    .map((f) => path.join(dir, f));
}

/** Saves an input under its content hash; returns the path (the same input twice: one file). */
export function saveToCorpus(
  target: string,
  input: Uint8Array,
  open = false,
  root = CORPUS_DIR,
): string {
  const hash = createHash('sha256').update(input).digest('hex').slice(0, 16);
  const file = path.join(root, target, open ? 'open' : '', `${hash}.bin`);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, input);
  return file;
}
