import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** One spawn-to-exit run of a host binary. */
export interface NativeRun {
  ms: number;
  stdout: string;
  status: number | null;
}

/** The same stdio for every spawn, so the empty program pays the same pipe setup. */
export function timeSpawn(binary: string): NativeRun {
  const started = performance.now();
  const result = spawnSync(binary, [], { stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
  const ms = performance.now() - started;
  if (result.error) throw new Error(`${binary}: ${result.error.message}`);
  return { ms, stdout: result.stdout, status: result.status };
}

const hasTool = (tool: string) => spawnSync(tool, ['--version'], { stdio: 'ignore' }).status === 0;

export type NativeSetup =
  | { available: true; binaryOf: (name: string) => string; emptyBinary: string; cleanup(): void }
  | { available: false; reason: string };

/**
 * Host builds of the benchmarks (`make -C firmware native`, run only if a binary is
 * missing) and an empty C program built the same way (-O2, dynamic libc), whose
 * spawn-to-exit time is the process start we subtract.
 */
export function prepareNative(firmwareDir: string, names: readonly string[]): NativeSetup {
  const missing = ['gcc', 'make'].filter((t) => !hasTool(t));
  if (missing.length) return { available: false, reason: `${missing.join(' and ')} not found` };
  const nativeDir = path.join(firmwareDir, 'build', 'native');
  const binaryOf = (name: string) => path.join(nativeDir, name);
  if (names.some((n) => !fs.existsSync(binaryOf(n)))) {
    console.log('building native binaries: make -C firmware native');
    const make = spawnSync('make', ['-C', firmwareDir, '--no-print-directory', '-s', 'native'], {
      encoding: 'utf8',
    });
    if (make.status !== 0) throw new Error(`make -C firmware native failed:\n${make.stderr}`);
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vmfleet-bench-vm-'));
  const emptyBinary = path.join(dir, 'empty');
  const gcc = spawnSync('gcc', ['-O2', '-x', 'c', '-', '-o', emptyBinary], {
    input: 'int main(void) { return 0; }\n',
    encoding: 'utf8',
  });
  if (gcc.status !== 0) throw new Error(`gcc could not build the empty program:\n${gcc.stderr}`);
  return {
    available: true,
    binaryOf,
    emptyBinary,
    cleanup: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}
