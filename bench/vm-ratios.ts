import type { CellGrid } from './vm-cells';
import { type Footnotes, printMetricTable } from './vm-report';
import { geomean } from './stats';
import { LUA_NATIVE } from './lua-native';
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

/** load + exec of an in-process engine: what a spawned interpreter's time also covers. */
function loadAndExec(grid: CellGrid, program: string, column: string): number | null {
  const cell = grid.get(program, column);
  return cell?.execMs != null && cell.loadMs !== null ? cell.execMs + cell.loadMs : null;
}

const over = (a: number | null, b: number | null) => (a !== null && b ? a / b : null);

const WASM_RATIOS: readonly Ratio[] = [
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
    of: (g, p) => over(exec(g, p, WASM_INTERP), loadAndExec(g, p, 'wasm-fast')),
  },
  {
    header: 'interp raw / fast+load',
    meaning: 'wasm-interp spawn to exit / wasm-fast load + exec',
    of: (g, p) => over(g.get(p, WASM_INTERP)?.rawMs ?? null, loadAndExec(g, p, 'wasm-fast')),
  },
];

/** lua5.4's time (start-up subtracted) includes compiling the script, as lua's load does. */
const LUA_RATIOS: readonly Ratio[] = [
  {
    header: 'lua / lua5.4',
    meaning: 'lua exec / lua5.4 (start-up subtracted)',
    of: (g, p) => over(exec(g, p, 'lua'), exec(g, p, LUA_NATIVE)),
  },
  {
    header: 'lua+load / lua5.4',
    meaning: 'lua load + exec / lua5.4 (start-up subtracted)',
    of: (g, p) => over(loadAndExec(g, p, 'lua'), exec(g, p, LUA_NATIVE)),
  },
];

export interface RatioSummary {
  meaning: string;
  perProgram: Record<string, number>;
  geomean: number | null;
}

const times = (x: number | null) => (x === null ? 'n/a' : `${x.toFixed(2)}x`);

/** One table of ratios, per program and as geometric means, in the rows of `column`. */
function printRatios(
  title: string,
  column: string,
  ratios: readonly Ratio[],
  grid: CellGrid,
  notes: Footnotes,
): RatioSummary[] {
  const summaries = ratios.map((r) => {
    const perProgram: Record<string, number> = {};
    for (const program of grid.programs) {
      const value = r.of(grid, program);
      if (value !== null) perProgram[program] = value;
    }
    const values = Object.values(perProgram);
    return { meaning: r.meaning, perProgram, geomean: values.length ? geomean(values) : null };
  });
  const columns = ratios.map((r, i) => ({
    header: r.header,
    column,
    value: (c: { program: string }) => {
      const value = summaries[i].perProgram[c.program];
      return value === undefined ? '—' : times(value);
    },
  }));
  const geomeanRow = [
    'geomean',
    ...summaries.map((s) => (s.geomean === null ? '—' : times(s.geomean))),
  ];
  const dash = '—: the other side did not run or was invalid, see the execution-time table';
  printMetricTable(`${title}; ${dash}`, grid, columns, notes, [geomeanRow]);
  return summaries;
}

const verdict = (x: number | null, aim: number) =>
  x === null ? 'n/a' : x >= aim ? 'met' : 'NOT met';

/**
 * The comparisons issue 5 asks for, per program and as geometric means: above 1 means
 * wasm-fast is faster. Returns the numbers for --json.
 */
export function printWasmRatios(grid: CellGrid, notes: Footnotes): RatioSummary[] {
  if (!grid.has('wasm-fast')) return [];
  const title = 'wasm-fast against wasm and wasm-interp (> 1: wasm-fast is faster)';
  const summaries = printRatios(title, 'wasm-fast', WASM_RATIOS, grid, notes);
  const [classic, interp, interpWithLoad] = summaries;
  console.log(
    `\nwasm-fast vs wasm: geomean ${times(classic.geomean)} ` +
      `(aim >= ${AIM_FAST_OVER_CLASSIC}x: ${verdict(classic.geomean, AIM_FAST_OVER_CLASSIC)})`,
  );
  console.log(
    `wasm-fast vs wasm-interp: geomean ${times(interp.geomean)} on exec, ` +
      `${times(interpWithLoad.geomean)} with wasm-fast's load counted ` +
      `(aim > 1x: ${verdict(interp.geomean, 1)} on exec, ${verdict(interpWithLoad.geomean, 1)} with load)`,
  );
  return summaries;
}

/**
 * lua (wasmoon: the reference C Lua compiled to WebAssembly, with the engine's budget
 * hook) against the same C Lua built natively: what WebAssembly and the hook cost.
 */
export function printLuaRatios(grid: CellGrid, notes: Footnotes): RatioSummary[] {
  if (!grid.has('lua') || !grid.has(LUA_NATIVE)) return [];
  const title = 'lua (wasmoon) vs lua5.4 (native) (> 1: wasmoon is slower)';
  const summaries = printRatios(title, 'lua', LUA_RATIOS, grid, notes);
  const [execOnly, withLoad] = summaries;
  console.log(
    `\nlua (wasmoon) vs lua5.4 (native): geomean ${times(execOnly.geomean)} on exec, ` +
      `${times(withLoad.geomean)} with lua's load counted`,
  );
  return summaries;
}
