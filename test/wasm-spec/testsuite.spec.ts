import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { WasmMode } from '../../devices/engines/wasm';
import { requireThat, requireTool } from '../support/system-tools';
import { TESTSUITE_DIR, wast2json, wastFiles } from './convert';
import { MODES, README, readmeTable, specTable, summary } from './report';
import { runSpecFile, type FileReport } from './run-file';

/**
 * The official WebAssembly MVP testsuite (../shared/wasm-testsuite) against our decoder,
 * validator and both interpreters: each .wast file converted by wabt's wast2json into a
 * temp dir, every command run on classic and fast mode (run-file.ts). Every command in
 * scope must pass; out-of-scope ones (imported tables, memories, globals; .wat text) are
 * counted by reason, and devices/engines/wasm/README.md's table must show these counts.
 */
const present =
  requireThat(
    existsSync(TESTSUITE_DIR),
    `the WebAssembly testsuite ${TESTSUITE_DIR}`,
    'put the MVP .wast files there (its README names the commit)',
  ) && requireTool('wast2json', 'wabt');

(present ? describe : describe.skip)('WebAssembly MVP spec testsuite', () => {
  const files = present ? wastFiles() : ['(none)'];
  const reports = new Map<string, FileReport>();
  let out = '';
  const json = new Map<string, string>();

  beforeAll(() => {
    out = mkdtempSync(join(tmpdir(), 'vmfleet-wasm-spec-'));
  });
  afterAll(() => {
    rmSync(out, { recursive: true, force: true });
    if (reports.size > 0) process.stderr.write(`\n${summary([...reports.values()], true)}\n`);
  });

  const report = (file: string, mode: WasmMode): FileReport => {
    const key = `${file} ${mode}`;
    if (!json.has(file)) json.set(file, wast2json(TESTSUITE_DIR, file, out));
    if (!reports.has(key)) reports.set(key, runSpecFile(json.get(file)!, mode));
    return reports.get(key)!;
  };

  it('has the MVP files (76 at commit 942b162)', () => {
    expect(files.length).toBe(76);
  });

  describe.each(MODES)('%s mode', (mode) => {
    it.each(files)('%s: every command in scope passes', (file) => {
      const r = report(file, mode);
      expect(r.failures).toEqual([]);
      const outOfScope = [...r.outOfScope.values()].reduce((a, b) => a + b, 0);
      expect(r.passed + outOfScope).toBe(r.commands);
    });
  });

  it('both modes count the same commands out of scope, for the same reasons', () => {
    for (const file of files) {
      const [classic, fast] = MODES.map((mode) => report(file, mode));
      expect([file, fast.outOfScope]).toEqual([file, classic.outOfScope]);
    }
  });

  it('devices/engines/wasm/README.md shows these counts (test/wasm-spec/report.ts --write)', () => {
    const all = files.flatMap((file) => MODES.map((mode) => report(file, mode)));
    expect(readmeTable(readFileSync(README, 'utf8'))).toBe(specTable(all));
  });
});
