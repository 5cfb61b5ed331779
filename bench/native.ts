import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { gcc, TIMER_C, TIMER_LINE } from '../devices/runtime/native-timer';
import { firstDifference, type Measurement, type Program, type Runner } from './runner';

/** One spawn-to-exit run of a host binary. */
export interface SpawnRun {
  ms: number;
  stdout: string;
  stderr: string;
  status: number | null;
}

/** The same stdio for every spawn, so a baseline pays the same pipe setup as the program. */
export function timeSpawn(
  binary: string,
  args: readonly string[] = [],
  env: NodeJS.ProcessEnv = process.env,
): SpawnRun {
  const started = performance.now();
  const result = spawnSync(binary, args, {
    stdio: ['ignore', 'pipe', 'pipe'],
    encoding: 'utf8',
    env,
  });
  const ms = performance.now() - started;
  if (result.error) throw new Error(`${binary}: ${result.error.message}`);
  return { ms, stdout: result.stdout, stderr: result.stderr, status: result.status };
}

/** Whether `tool` runs; lua5.4 knows `-v` but not `--version`. */
export const hasTool = (tool: string, versionFlag = '--version') =>
  spawnSync(tool, [versionFlag], { stdio: 'ignore' }).status === 0;

interface NativeSetup {
  binaryOf: (name: string) => string;
  emptyBinary: string;
  env: NodeJS.ProcessEnv;
  dir: string;
}

/**
 * Host builds of the benchmarks (`make -C firmware native`, run only if a binary is
 * missing), an empty C program built the same way (-O2, dynamic libc) whose spawn-to-exit
 * time is the process start, and the timer preload.
 */
function prepareNative(firmwareDir: string, names: readonly string[]): NativeSetup | string {
  const missing = ['gcc', 'make'].filter((t) => !hasTool(t));
  if (missing.length) return `${missing.join(' and ')} not found`;
  const binaryOf = (name: string) => path.join(firmwareDir, 'build', 'native', name);
  if (names.some((n) => !fs.existsSync(binaryOf(n)))) {
    console.log('building native binaries: make -C firmware native');
    const make = spawnSync('make', ['-C', firmwareDir, '--no-print-directory', '-s', 'native'], {
      encoding: 'utf8',
    });
    if (make.status !== 0) throw new Error(`make -C firmware native failed:\n${make.stderr}`);
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vmfleet-bench-vm-'));
  const emptyBinary = path.join(dir, 'empty');
  gcc(['-o', emptyBinary], 'int main(void) { return 0; }\n', 'the empty program');
  const timer = path.join(dir, 'timer.so');
  gcc(['-shared', '-fPIC', '-o', timer], TIMER_C, 'the timer preload');
  return { binaryOf, emptyBinary, env: { ...process.env, LD_PRELOAD: timer }, dir };
}

/** Why a native run does not count, if it does not. */
function nativeProblem(p: Program, run: SpawnRun): string | undefined {
  if (run.status !== 0) return `exited ${run.status}`;
  if (run.stdout !== p.expected)
    return `output differs, ${firstDifference(p.expected, run.stdout)}`;
  if (!TIMER_LINE.test(run.stderr)) return 'the timer preload reported nothing';
  return undefined;
}

/**
 * The gcc -O2 builds as a column. One run is `spawns` runs of the program interleaved
 * with as many of the empty program, keeping the fastest of each: `ms` is the preload's
 * main-to-exit time, `rawMs` spawn to exit, `startupMs` the empty program's spawn to exit.
 */
export function nativeRunner(
  firmwareDir: string,
  names: readonly string[],
  spawns: number,
): Runner {
  const setup = prepareNative(firmwareDir, names);
  if (typeof setup === 'string')
    return { column: 'native', unavailable: () => setup, run: () => ({ ms: NaN }) };
  return {
    column: 'native',
    unavailable: (name) =>
      fs.existsSync(setup.binaryOf(name)) ? null : `make native built no ${name}`,
    run(p: Program): Measurement {
      const best = { ms: Infinity, rawMs: Infinity, startupMs: Infinity };
      let invalid: string | undefined;
      for (let i = 0; i < spawns; i++) {
        const run = timeSpawn(setup.binaryOf(p.name), [], setup.env);
        invalid ??= nativeProblem(p, run);
        const empty = timeSpawn(setup.emptyBinary, [], setup.env);
        if (empty.status !== 0) throw new Error(`the empty program exited ${empty.status}`);
        const ns = Number(TIMER_LINE.exec(run.stderr)?.[1] ?? NaN);
        best.ms = Math.min(best.ms, ns / 1e6);
        best.rawMs = Math.min(best.rawMs, run.ms);
        best.startupMs = Math.min(best.startupMs, empty.ms);
      }
      const imageBytes = fs.statSync(setup.binaryOf(p.name)).size;
      return { ...best, imageBytes, invalid };
    },
    cleanup: () => fs.rmSync(setup.dir, { recursive: true, force: true }),
  };
}
