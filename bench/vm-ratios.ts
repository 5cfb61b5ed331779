import type { CellGrid } from './vm-cells';
import { type Footnotes, printMetricTable } from './vm-report';
import { geomean } from './stats';
import { WASM_INTERP } from './wasm-interp';

/** Issue 5's aim: wasm-fast beats wasm by at least this, as WAMR's fast mode does. */
export const AIM_FAST_OVER_CLASSIC = 1.5;

interface Ratio {
  header: string;
  /** What the ratio compares, for the summary line. */
  meaning: string;
  of(grid: CellGrid, program: string): number | null;
}

const exec = (grid: CellGrid, program: string, column: string) =>
  grid.get(program, column)?.execMs ?? null;

function fastLoadAndExec(grid: CellGrid, program: string): number | null {
  const fast = grid.get(program, 'wasm-fast');
  return fast?.execMs != null && fast.loadMs !== null ? fast.execMs + fast.loadMs : null;
}

const over = (a: number | null, b: number | null) => (a !== null && b ? a / b : null);

const RATIOS: readonly Ratio[] = [
  {
    header: 'wasm / fast',
    meaning: 'wasm exec / wasm-fast exec',
    of: (g, p) => over(exec(g, p, 'wasm'), exec(g, p, 'wasm-fast')),
  },
  {
    header: 'interp / fast',
    meaning: 'wasm-interp (start-up subtracted) / wasm-fast exec',
    of: (g, p) => over(exec(g, p, WASM_INTERP), exec(g, p, 'wasm-fast')),
  },
  {
    header: 'interp / fast+load',
    meaning: 'wasm-interp (start-up subtracted) / wasm-fast load + exec',
    of: (g, p) => over(exec(g, p, WASM_INTERP), fastLoadAndExec(g, p)),
  },
  {
    header: 'interp raw / fast+load',
    meaning: 'wasm-interp spawn to exit / wasm-fast load + exec',
    of: (g, p) => over(g.get(p, WASM_INTERP)?.rawMs ?? null, fastLoadAndExec(g, p)),
  },
];

export interface RatioSummary {
  meaning: string;
  perProgram: Record<string, number>;
  geomean: number | null;
}

/**
 * The comparisons issue 5 asks for, per program and as geometric means: above 1 means
 * wasm-fast is faster. Returns the numbers for --json.
 */
export function printWasmRatios(grid: CellGrid, notes: Footnotes): RatioSummary[] {
  if (!grid.has('wasm-fast')) return [];
  const summaries = RATIOS.map((r) => {
    const perProgram: Record<string, number> = {};
    for (const program of grid.programs) {
      const value = r.of(grid, program);
      if (value !== null) perProgram[program] = value;
    }
    const values = Object.values(perProgram);
    return { meaning: r.meaning, perProgram, geomean: values.length ? geomean(values) : null };
  });
  const columns = RATIOS.map((r, i) => ({
    header: r.header,
    column: 'wasm-fast',
    value: (c: { program: string }) => {
      const value = summaries[i].perProgram[c.program];
      return value === undefined ? '—' : `${value.toFixed(2)}x`;
    },
  }));
  const geomeanRow = [
    'geomean',
    ...summaries.map((s) => (s.geomean === null ? '—' : `${s.geomean.toFixed(2)}x`)),
  ];
  printMetricTable(
    'wasm-fast against wasm and wasm-interp (> 1: wasm-fast is faster; —: the other side ' +
      'did not run or was invalid, see the execution-time table)',
    grid,
    columns,
    notes,
    [geomeanRow],
  );
  const [classic, interp, interpWithLoad] = summaries;
  const verdict = (x: number | null, aim: number) =>
    x === null ? 'n/a' : x >= aim ? 'met' : 'NOT met';
  console.log(
    `\nwasm-fast vs wasm: geomean ${classic.geomean?.toFixed(2) ?? 'n/a'}x ` +
      `(aim >= ${AIM_FAST_OVER_CLASSIC}x: ${verdict(classic.geomean, AIM_FAST_OVER_CLASSIC)})`,
  );
  console.log(
    `wasm-fast vs wasm-interp: geomean ${interp.geomean?.toFixed(2) ?? 'n/a'}x on exec, ` +
      `${interpWithLoad.geomean?.toFixed(2) ?? 'n/a'}x with wasm-fast's load counted ` +
      `(aim > 1x: ${verdict(interp.geomean, 1)} on exec, ${verdict(interpWithLoad.geomean, 1)} with load)`,
  );
  return summaries;
}
