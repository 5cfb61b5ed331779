import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { hasTool, timeSpawn } from './native';
import type { Measurement, Program, Runner } from './runner';

export const WASM_INTERP = 'wasm-interp';
/** Every vmfleet import becomes a stub returning 0; `_start` is the only exported function. */
const ARGS = ['--dummy-import-func', '--run-all-exports'];

/**
 * The smallest module shaped like ours: one page of memory, an exported `_start` that
 * returns at once. Its spawn-to-exit time is wasm-interp's process start, read and
 * instantiate: the start-up cost subtracted from each program's time.
 */
const TRIVIAL_MODULE = Uint8Array.from([
  ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00], // magic, version 1
  ...[0x01, 0x04, 0x01, 0x60, 0x00, 0x00], // type section: () -> ()
  ...[0x03, 0x02, 0x01, 0x00], // function section: one function of type 0
  ...[0x05, 0x03, 0x01, 0x00, 0x01], // memory section: min 1 page
  ...[0x07, 0x13, 0x02], // export section: 2 exports
  ...[0x06, ...Buffer.from('_start'), 0x00, 0x00], // func 0
  ...[0x06, ...Buffer.from('memory'), 0x02, 0x00], // memory 0
  ...[0x0a, 0x04, 0x01, 0x02, 0x00, 0x0b], // code section: empty body
]);

/**
 * vm_exit is a stub that returns, so every program ends at the `unreachable` after it. The
 * stubs print nothing, so the output cannot be compared; the program's own check can: it
 * passes 0 to vm_exit only when every result matched (firmware/sdk/common/report.h).
 */
const CLEAN_END =
  'called host vmfleet.vm_exit(i32:0) =>\n_start() => error: unreachable executed\n';

function problemOf(run: ReturnType<typeof timeSpawn>): string | undefined {
  if (run.stdout.endsWith(CLEAN_END)) return undefined;
  const tail = run.stdout.trimEnd().split('\n').slice(-2).join(' | ');
  return `did not end with vm_exit(0) + unreachable (status ${run.status}): ${tail}`;
}

/**
 * wabt's wasm-interp on the same .wasm as our wasm engines, as a column. One run spawns the
 * program once and the trivial module once, so drift hits both alike.
 */
export function wasmInterpRunner(firmwareDir: string): Runner {
  const unavailableAll = (reason: string): Runner => ({
    column: WASM_INTERP,
    unavailable: () => reason,
    run: () => ({ ms: NaN }),
  });
  if (!hasTool(WASM_INTERP)) return unavailableAll('wasm-interp (wabt) not found on PATH');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vmfleet-bench-wasm-interp-'));
  const trivial = path.join(dir, 'trivial.wasm');
  fs.writeFileSync(trivial, TRIVIAL_MODULE);
  const check = timeSpawn(WASM_INTERP, [...ARGS, trivial]);
  if (check.status !== 0 || !check.stdout.includes('_start() =>')) {
    fs.rmSync(dir, { recursive: true, force: true });
    return unavailableAll(`wasm-interp refused the trivial module: ${check.stdout.trim()}`);
  }
  const fileOf = (name: string) => path.join(firmwareDir, 'build', 'wasm', `${name}.wasm`);
  return {
    column: WASM_INTERP,
    unavailable: (name) =>
      fs.existsSync(fileOf(name)) ? null : `no image at firmware/build/wasm/${name}.wasm`,
    run(p: Program): Measurement {
      const run = timeSpawn(WASM_INTERP, [...ARGS, fileOf(p.name)]);
      const startup = timeSpawn(WASM_INTERP, [...ARGS, trivial]);
      // Paired: the baseline spawned right after the program, so the same drift hits both.
      const ms = run.ms - startup.ms;
      return { ms, rawMs: run.ms, startupMs: startup.ms, invalid: problemOf(run) };
    },
    cleanup: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}
