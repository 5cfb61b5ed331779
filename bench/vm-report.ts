import type { Cell, CellGrid } from './vm-cells';
import { geomean, median, printTable } from './stats';

/** The MIPS-I issue's target for the interpreter: median guest MIPS over the programs. */
export const AIM_GUEST_MIPS = 150;

/** Engines whose instruction count is not one per guest instruction. */
const INSTRUCTION_UNITS: Readonly<Record<string, string>> = {
  'wasm-fast': 'counts its pre-decoded ops (several wasm instructions fused into one)',
  lua: 'Lua VM instructions, counted in whole 1000-instruction hook intervals',
  js: 'QuickJS interrupt-counter ticks (loop back-edges and calls), not bytecodes',
  micropython: 'budget-hook ticks (pending checks: backward jumps and calls), not bytecodes',
};

/** Numbered footnotes, one per distinct text, printed after the tables. */
export class Footnotes {
  private readonly texts: string[] = [];

  mark(text: string): string {
    let index = this.texts.indexOf(text);
    if (index < 0) index = this.texts.push(text) - 1;
    return `[${index + 1}]`;
  }

  print(): void {
    if (!this.texts.length) return;
    console.log('\nnotes:');
    this.texts.forEach((text, i) => console.log(`  [${i + 1}] ${text}`));
  }

  get all(): readonly string[] {
    return this.texts;
  }
}

/** A metric's text for a cell that ran; null when the column does not measure it. */
type Metric = (cell: Cell) => string | null;

interface Column {
  header: string;
  column: string;
  value: Metric;
}

export function ms(x: number): string {
  return x < 10 ? x.toFixed(2) : x.toFixed(1);
}

export function cellText(cell: Cell | undefined, value: Metric, notes: Footnotes): string {
  if (!cell) return '';
  if (cell.unavailable) return `—${notes.mark(`${cell.column}: ${cell.unavailable}`)}`;
  if (cell.invalid)
    return `invalid${notes.mark(`${cell.column} ${cell.program} INVALID, not quoted: ${cell.invalid}`)}`;
  return value(cell) ?? '—';
}

export function printMetricTable(
  title: string,
  grid: CellGrid,
  columns: readonly Column[],
  notes: Footnotes,
  extraRows: string[][] = [],
): void {
  if (!columns.length) return;
  console.log(`\n${title}`);
  const rows = grid.programs.map((program) => [
    program,
    ...columns.map((c) => cellText(grid.get(program, c.column), c.value, notes)),
  ]);
  printTable([['program', ...columns.map((c) => c.header)], ...rows, ...extraRows]);
}

/** Columns of `grid` for which some cell has the metric, showing it formatted. */
function columnsWith(
  grid: CellGrid,
  pick: (c: Cell) => number | null,
  format: (x: number) => string = String,
): Column[] {
  const value = (c: Cell) => {
    const x = pick(c);
    return x === null ? null : format(x);
  };
  return grid.columns
    .filter((column) => grid.cells.some((c) => c.column === column && pick(c) !== null))
    .map((column) => ({ header: column, column, value }));
}

function printExecTable(grid: CellGrid, notes: Footnotes): void {
  const columns: Column[] = grid.columns.flatMap((column) => {
    const exec = {
      header: column,
      column,
      value: (c: Cell) => (c.execMs === null ? null : ms(c.execMs)),
    };
    if (grid.startupOf(column) === null) return [exec];
    const raw = {
      header: `${column} raw`,
      column,
      value: (c: Cell) => (c.rawMs === null ? null : ms(c.rawMs)),
    };
    return [exec, raw];
  });
  printMetricTable(
    'execution time, ms (steady state: median over the reps after the warm-up). In-process ' +
      'engines: the run() loop, load ' +
      'excluded. native: main() to exit, timed by a preloaded constructor, fastest of the ' +
      "rep's spawns. wasm-interp, lua5.4: spawn to exit minus a trivial module's or script's " +
      '(lua5.4 compiles the script in that time; lua does in its load). raw: spawn to exit',
    grid,
    columns,
    notes,
  );
}

/** Each cell's first run and its warm-up, beside the steady state it settled to. */
function printColdTable(grid: CellGrid, notes: Footnotes): void {
  const unsettled = (c: Cell) =>
    c.settled ? '' : notes.mark('warm-up ended at --warmup runs before two runs agreed');
  const columns = columnsWith(grid, (c) => c.coldMs).map((column) => ({
    ...column,
    value: (c: Cell) =>
      c.coldMs === null ? null : `${ms(c.coldMs)} (${c.warmupRuns}${unsettled(c)})`,
  }));
  printMetricTable(
    "first run (cold), exec ms: the cell's first run in this process (compiled tiers: " +
      'translation and V8 tier-up included; interpreters: the first program also warms the ' +
      'interpreter up), (n): untimed warm-up runs until two consecutive ones agreed',
    grid,
    columns,
    notes,
  );
}

/** Fastest to slowest timed rep per cell: how far a median can be trusted. */
function printSpreadTable(grid: CellGrid, notes: Footnotes): void {
  const columns = columnsWith(grid, (c) => c.minMs).map((column) => ({
    ...column,
    value: (c: Cell) =>
      c.minMs === null || c.maxMs === null ? null : `${ms(c.minMs)}–${ms(c.maxMs)}`,
  }));
  printMetricTable('exec spread, ms (fastest–slowest timed rep)', grid, columns, notes);
}

/** exec / native exec, per program, with a geometric mean over the programs each column has. */
export function slowdowns(grid: CellGrid): Map<string, Map<string, number>> {
  const result = new Map<string, Map<string, number>>();
  for (const column of grid.columns.filter((c) => c !== 'native')) {
    const byProgram = new Map<string, number>();
    for (const program of grid.programs) {
      const native = grid.get(program, 'native');
      const cell = grid.get(program, column);
      if (!native || native.execMs === null) continue;
      if (cell?.execMs == null) continue;
      byProgram.set(program, cell.execMs / native.execMs);
    }
    result.set(column, byProgram);
  }
  return result;
}

function printSlowdownTable(grid: CellGrid, notes: Footnotes): void {
  if (!grid.has('native')) return console.log('\nslowdown vs native: native not run');
  const ratios = slowdowns(grid);
  const times = (x: number) => `${x >= 100 ? x.toFixed(0) : x.toFixed(1)}x`;
  const columns: Column[] = [...ratios.keys()].map((column) => ({
    header: column,
    column,
    value: (c: Cell) => {
      const native = grid.get(c.program, 'native');
      if (native?.execMs == null) return `—${notes.mark('no valid native time to compare with')}`;
      const ratio = ratios.get(column)?.get(c.program);
      return ratio === undefined ? null : times(ratio);
    },
  }));
  const mean = (column: string) => {
    const xs = [...(ratios.get(column)?.values() ?? [])];
    return xs.length ? times(geomean(xs)) : '—';
  };
  /** Geomean over programs of pick(cell) / pick(native cell). */
  const meanOf = (column: string, pick: (c: Cell | undefined) => number | null | undefined) => {
    const xs = grid.programs.flatMap((program) => {
      const x = pick(grid.get(program, column));
      const native = pick(grid.get(program, 'native'));
      return x != null && native != null ? [x / native] : [];
    });
    return xs.length ? times(geomean(xs)) : '—';
  };
  // A loaded machine only ever adds time to a run: the fastest reps are what it disturbed least.
  const fastestMean = (column: string) => meanOf(column, (c) => c?.minMs);
  const coldMean = (column: string) =>
    meanOf(column, (c) => (c?.column === 'native' ? c.execMs : c?.coldMs));
  const title = 'slowdown vs native (steady-state exec ms / native exec ms)';
  printMetricTable(title, grid, columns, notes, [
    ['geomean', ...columns.map((c) => mean(c.column))],
    ['geomean, fastest reps', ...columns.map((c) => fastestMean(c.column))],
    ['geomean, first run', ...columns.map((c) => coldMean(c.column))],
  ]);
}

/** Median over programs of instructions per µs of exec, per column. */
export function guestMips(grid: CellGrid, column: string): number | null {
  const xs = grid.cells.flatMap((c) =>
    c.column === column && c.instructions !== null && c.execMs
      ? [c.instructions / c.execMs / 1000]
      : [],
  );
  return xs.length ? median(xs) : null;
}

function printPeakTable(grid: CellGrid, notes: Footnotes): void {
  const peaks = columnsWith(grid, (c) => c.peakGuestBytes);
  const wasmNote = () =>
    notes.mark(
      "wasm, wasm-fast: the engine's figure is data segments and .bss up to the last non-zero " +
        'byte + deepest shadow stack; wasm locals and the operand stack live outside linear ' +
        'memory (counted in the engine bytes), so it is a little below what mips1/ebpf report',
    );
  for (const c of peaks) if (c.column.startsWith('wasm')) c.header += wasmNote();
  const title =
    "peak guest memory, bytes (the engine's memory().peakGuestBytes: static + deepest stack)";
  printMetricTable(title, grid, peaks, notes);
}

export function printReport(grid: CellGrid, notes: Footnotes): void {
  printExecTable(grid, notes);
  printSpreadTable(grid, notes);
  printColdTable(grid, notes);
  printSlowdownTable(grid, notes);
  const loads = columnsWith(
    grid,
    (c) => c.loadMs,
    (x) => x.toFixed(3),
  );
  printMetricTable('load time, ms (median; parse, validate, pre-decode)', grid, loads, notes);
  printPeakTable(grid, notes);
  const images = columnsWith(grid, (c) => c.imageBytes);
  printMetricTable('image size, bytes (native: the dynamically linked ELF)', grid, images, notes);
  const counted = columnsWith(grid, (c) => c.instructions);
  for (const c of counted)
    if (INSTRUCTION_UNITS[c.column])
      c.header += notes.mark(`${c.column}: ${INSTRUCTION_UNITS[c.column]}`);
  // Two significant digits below 1: micropython's ticks run at a few hundredths of a MIPS.
  const mipsText = (x: number | null) =>
    x === null ? '—' : x < 1 ? x.toPrecision(2) : x.toFixed(1);
  const mips = counted.map((c) => mipsText(guestMips(grid, c.column)));
  printMetricTable(
    "instructions executed, each engine's own unit (MIPS-I, eBPF, wasm instructions); " +
      `MIPS = instructions / exec µs, aim for mips1 >= ${AIM_GUEST_MIPS}`,
    grid,
    counted,
    notes,
    [['median MIPS', ...mips]],
  );
}
