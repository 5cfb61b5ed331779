import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/** The MVP testsuite's .wast files (../shared/wasm-testsuite, its README says which commit). */
export const TESTSUITE_DIR = join(__dirname, '..', '..', '..', 'shared', 'wasm-testsuite');

export function wastFiles(dir = TESTSUITE_DIR): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.wast'))
    .sort();
}

/**
 * Converts `file` (in `dir`) with wabt's wast2json into `outDir`/<name>/<name>.json and
 * the .wasm files its commands name; returns the JSON's path. Bulk memory is off: wabt
 * 1.0.32 encodes elem.wast's segments in its format otherwise, and this is the MVP suite.
 */
export function wast2json(dir: string, file: string, outDir: string): string {
  const name = file.replace(/\.wast$/, '');
  const target = join(outDir, name);
  mkdirSync(target, { recursive: true });
  const json = join(target, `${name}.json`);
  const run = spawnSync('wast2json', ['--disable-bulk-memory', join(dir, file), '-o', json], {
    encoding: 'utf8',
  });
  if (run.error) throw run.error;
  if (run.status !== 0) throw new Error(`wast2json ${file} failed (${run.status}): ${run.stderr}`);
  return json;
}
