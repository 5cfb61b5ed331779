import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { hasTool, timeSpawn, type SpawnRun } from './native';
import { firstDifference, type Measurement, type Program, type Runner } from './runner';

/** The reference C Lua (Debian package lua5.4) beside wasmoon's build of it (the lua engine). */
export const LUA_NATIVE = 'lua5.4';
const PACKAGE = 'Debian package lua5.4';

/**
 * The device API as far as the bench programs use it, in plain Lua: they call write() and
 * nothing else of it (devices/engines/lua/prelude.ts). The chunk's integer result is the
 * exit code, as on the device, where the stand-alone interpreter would drop it.
 */
const RUNNER_LUA = `write = io.write
local code = assert(loadfile(arg[1], "t"))()
io.stdout:flush()
os.exit(math.type(code) == "integer" and code or 0)
`;
/** Spawned through the same runner, its spawn-to-exit time is the start-up subtracted. */
const TRIVIAL_LUA = 'return 0\n';

function problemOf(p: Program, run: SpawnRun): string | undefined {
  if (run.status !== 0) {
    const error = run.stderr.trim().split('\n')[0];
    return `exit code ${run.status}${error ? `: ${error}` : ''}`;
  }
  if (run.stdout !== p.expected)
    return `output differs, ${firstDifference(p.expected, run.stdout)}`;
  return undefined;
}

/**
 * lua5.4 on firmware/lua/bench/<name>.lua, the scripts the lua engine runs, as a column.
 * One run spawns the program once and the trivial script once, so drift hits both alike.
 */
export function luaNativeRunner(firmwareDir: string): Runner {
  const unavailableAll = (reason: string): Runner => ({
    column: LUA_NATIVE,
    unavailable: () => reason,
    run: () => ({ ms: NaN }),
  });
  if (!hasTool(LUA_NATIVE, '-v')) return unavailableAll(`lua5.4 not found on PATH (${PACKAGE})`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vmfleet-bench-lua-'));
  const runner = path.join(dir, 'run.lua');
  const trivial = path.join(dir, 'trivial.lua');
  fs.writeFileSync(runner, RUNNER_LUA);
  fs.writeFileSync(trivial, TRIVIAL_LUA);
  const check = timeSpawn(LUA_NATIVE, [runner, trivial]);
  if (check.status !== 0 || check.stdout !== '') {
    fs.rmSync(dir, { recursive: true, force: true });
    return unavailableAll(`lua5.4 failed the trivial script: ${check.stderr.trim()}`);
  }
  const fileOf = (name: string) => path.join(firmwareDir, 'lua', 'bench', `${name}.lua`);
  return {
    column: LUA_NATIVE,
    unavailable: (name) =>
      fs.existsSync(fileOf(name)) ? null : `no firmware/lua/bench/${name}.lua for it`,
    run(p: Program): Measurement {
      const run = timeSpawn(LUA_NATIVE, [runner, fileOf(p.name)]);
      const startup = timeSpawn(LUA_NATIVE, [runner, trivial]);
      // Paired: the baseline spawned right after the program, so the same drift hits both.
      const ms = run.ms - startup.ms;
      return { ms, rawMs: run.ms, startupMs: startup.ms, invalid: problemOf(p, run) };
    },
    cleanup: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}
