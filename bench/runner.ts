/** One benchmark program: its name (firmware/expected/<name>.txt) and the output it must print. */
export interface Program {
  name: string;
  expected: string;
}

/** What one timed run of one program on one runner gave. */
export interface Measurement {
  /** The execution time: in-process, the run() loop; spawned, without process start-up. */
  ms: number;
  /** Spawned runners: spawn to exit, and the same for the start-up baseline timed beside it. */
  rawMs?: number;
  startupMs?: number;
  loadMs?: number;
  imageBytes?: number;
  instructions?: number;
  peakGuestBytes?: number;
  /** Why this run does not count (wrong output, a fault, a crash); absent when it does. */
  invalid?: string;
}

/** One column of the tables: an engine in this process, or a program we spawn. */
export interface Runner {
  readonly column: string;
  /** null when `program` can run here; otherwise why not (becomes the cell's footnote). */
  unavailable(program: string): string | null;
  run(program: Program): Measurement;
  /** Removes what the runner created (temporary files). */
  cleanup?(): void;
}

/** The first line where two outputs differ, for an invalid cell's footnote. */
export function firstDifference(expected: string, actual: string): string {
  const want = expected.split('\n');
  const got = actual.split('\n');
  const line = want.findIndex((w, i) => w !== got[i]);
  const at = line < 0 ? want.length : line;
  return `line ${at + 1}: expected ${JSON.stringify(want[at] ?? '')}, got ${JSON.stringify(got[at] ?? '(end)')}`;
}
