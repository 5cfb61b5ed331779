import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { WasmMode } from '../../devices/engines/wasm';
import { TESTSUITE_DIR, wast2json, wastFiles } from './convert';
import { runSpecFile, type FileReport } from './run-file';

export const MODES: readonly WasmMode[] = ['classic', 'fast'];
export const README = join(__dirname, '..', '..', 'devices', 'engines', 'wasm', 'README.md');
const START = '<!-- wasm-spec-table:start (test/wasm-spec/report.ts --write) -->';
const END = '<!-- wasm-spec-table:end -->';

const reasons = (report: FileReport) =>
  [...report.outOfScope]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([reason, count]) => `${count} ${reason}`)
    .join(', ');

const outOfScopeCount = (report: FileReport) =>
  [...report.outOfScope.values()].reduce((a, b) => a + b, 0);

/**
 * The README's table: per .wast file its commands, the passes per mode, and the
 * out-of-scope commands by reason (the same in both modes: scope does not depend on the
 * interpreter, which the spec checks). Failures show as passes short of commands − out of scope.
 */
export function specTable(reports: readonly FileReport[]): string {
  const files = [...new Set(reports.map((r) => r.file))].sort();
  const find = (file: string, mode: WasmMode) =>
    reports.find((r) => r.file === file && r.mode === mode)!;
  const rows = files.map((file) => {
    const [classic, fast] = MODES.map((mode) => find(file, mode));
    const skipped = outOfScopeCount(classic);
    return `| ${file} | ${classic.commands} | ${classic.passed} | ${fast.passed} | ${skipped || ''} | ${reasons(classic)} |`;
  });
  const total = (pick: (r: FileReport) => number, mode: WasmMode) =>
    reports.filter((r) => r.mode === mode).reduce((sum, r) => sum + pick(r), 0);
  return [
    '| file | commands | passed, classic | passed, fast | out of scope | out of scope, why |',
    '| ---- | -------: | --------------: | -----------: | -----------: | ----------------- |',
    ...rows,
    `| **all ${files.length}** | ${total((r) => r.commands, 'classic')} | ${total((r) => r.passed, 'classic')} | ${total((r) => r.passed, 'fast')} | ${total(outOfScopeCount, 'classic')} | |`,
  ].join('\n');
}

/** The table between the README's markers, or null when the markers are missing. */
export function readmeTable(readme: string): string | null {
  const start = readme.indexOf(START);
  const end = readme.indexOf(END);
  return start < 0 || end < start ? null : readme.slice(start + START.length, end).trim();
}

export function withTable(readme: string, table: string): string {
  const start = readme.indexOf(START);
  const end = readme.indexOf(END);
  if (start < 0 || end < start) throw new Error(`${README} has no ${START} … ${END} markers`);
  return `${readme.slice(0, start + START.length)}\n\n${table}\n\n${readme.slice(end)}`;
}

/** Converts and runs every file on both modes (wast2json needed). */
export function runSuite(): FileReport[] {
  const out = mkdtempSync(join(tmpdir(), 'vmfleet-wasm-spec-'));
  try {
    return wastFiles().flatMap((file) => {
      const json = wast2json(TESTSUITE_DIR, file, out);
      return MODES.map((mode) => runSpecFile(json, mode));
    });
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

/**
 * One line per file and mode, then its failures: what the runner prints. `brief` leaves
 * out the files whose every command passed, and ends with the totals.
 */
export function summary(reports: readonly FileReport[], brief = false): string {
  const shown = brief ? reports.filter((r) => r.passed < r.commands) : reports;
  const count = (pick: (r: FileReport) => number) => reports.reduce((n, r) => n + pick(r), 0);
  const totals = `${reports.length} runs: ${count((r) => r.passed)}/${count((r) => r.commands)} commands passed, ${count((r) => r.failures.length)} failed, ${count(outOfScopeCount)} out of scope`;
  return shown
    .flatMap((r) => [
      `${r.file} ${r.mode}: ${r.passed}/${r.commands} passed, ${r.failures.length} failed, ${outOfScopeCount(r)} out of scope${r.outOfScope.size ? ` (${reasons(r)})` : ''}`,
      ...r.failures.map((f) => `  FAIL ${f}`),
    ])
    .concat(brief ? [totals] : [])
    .join('\n');
}

// `node -r ts-node/register/transpile-only test/wasm-spec/report.ts [--write]`: runs the
// suite, prints the summary and the table; --write puts the table into the README.
if (require.main === module) {
  const started = Date.now();
  const reports = runSuite();
  const table = specTable(reports);
  process.stdout.write(`${summary(reports)}\n\n${table}\n`);
  process.stdout.write(`\n${reports.length} runs in ${Date.now() - started} ms\n`);
  if (process.argv.includes('--write')) {
    writeFileSync(README, withTable(readFileSync(README, 'utf8'), table));
    process.stdout.write(`wrote the table into ${README}\n`);
  }
  if (reports.some((r) => r.failures.length > 0)) process.exitCode = 1;
}
