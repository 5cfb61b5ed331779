import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { requireThat, requireTool } from './system-tools';
import { makeRiotApp, REPO_ROOT, riotKit } from './riot-native';

/**
 * One RIOT VM engine (firmware/riot/vm/<engine>) built into the standalone test app
 * firmware/riot/tests/engine for native64 and run as a Linux process, without the agent.
 * The app prints markers (tests/engine/cases/cases.c):
 *   @@BEGIN <name>@@\n<output>\n@@END <name> exit=<code>|fault=<code> <message>@@
 * `describeRiotEngine` checks what every engine must do: every benchmark prints exactly
 * firmware/expected/<name>.txt, spin ends as budget_exhausted, wild-store faults
 * bad_address, and the family's own cases (`more`) run on the same output.
 */
export const ENGINE_APP = join(REPO_ROOT, 'firmware', 'riot', 'tests', 'engine');
const EXPECTED = join(REPO_ROOT, 'firmware', 'expected');

/** Every benchmark with an expected output. */
export const BENCHMARKS = readdirSync(EXPECTED)
  .filter((f) => f.endsWith('.txt'))
  .map((f) => f.slice(0, -'.txt'.length))
  .sort();

// An engine's first build (WAMR's and JerryScript's cmake) takes a minute or two on 2 cores.
const BUILD_TIMEOUT_MS = 20 * 60 * 1000;
const RUN_TIMEOUT_MS = 3 * 60 * 1000;

export interface EngineSpec {
  /** The engine's version as it names itself (`@@ENGINE <vm> <version> …`). */
  version: string;
  preemptible: boolean;
  /** Benchmarks this VM has no image of, with the reason (they must not run). */
  missing?: Record<string, string>;
  /** What wild-store prints before its fault. */
  wildStoreOutput: string;
  /** wild-store's fault: bad_address (a store outside guest memory), or guest_error for a
   * script, whose wild store is one through a nil/null reference (firmware/lua/apps). */
  wildStoreFault?: 'bad_address' | 'guest_error';
  /** The family's own tests, on the app's whole output. */
  more?: (output: () => string) => void;
}

function tools(): boolean {
  return [
    ['make', 'make'],
    ['gcc', 'gcc'],
    ['cmake', 'cmake'],
    ['xxd', 'xxd'],
    ['git', 'git'],
  ].every(([tool, pkg]) => requireTool(tool, pkg));
}

/** A RIOT tree to build with (RIOTBASE, or the kit at .riot); no root needed: no network. */
function riot(): boolean {
  return requireThat(
    riotKit() !== null,
    'no RIOT: RIOTBASE unset (or without Makefile.include) and no kit at .riot',
    '../shared/riot/install.sh .riot && . .riot/env.sh',
  );
}

function runApp(vm: string): string {
  const elf = join(ENGINE_APP, 'bin', vm, 'native64', 'engine_test.elf');
  const result = spawnSync(elf, [], {
    cwd: ENGINE_APP,
    encoding: 'utf8',
    timeout: RUN_TIMEOUT_MS,
    maxBuffer: 16 * 1024 * 1024,
  });
  if (!result.stdout.includes('@@DONE@@')) {
    throw new Error(`${elf} did not finish (${result.status ?? result.signal}):\n${tail(result)}`);
  }
  return result.stdout;
}

const tail = (r: SpawnSyncReturns<string>) =>
  `${r.stdout ?? ''}\n${r.stderr ?? ''}`.split('\n').slice(-40).join('\n');

/** The guest's output of case `name` and how it ended ("exit=0", "fault=bad_address …"). */
export function caseOf(out: string, name: string): { output: string; end: string } {
  const begin = `@@BEGIN ${name}@@\n`;
  const start = out.indexOf(begin);
  if (start < 0) throw new Error(`case ${name} did not run:\n${markers(out)}`);
  const from = start + begin.length;
  const endAt = out.indexOf(`\n@@END ${name} `, from);
  if (endAt < 0) throw new Error(`case ${name} did not end:\n${out.slice(from, from + 2000)}`);
  const line = out.slice(endAt + `\n@@END ${name} `.length).split('\n')[0];
  return { output: out.slice(from, endAt), end: line.replace(/@@$/, '') };
}

const markers = (out: string) =>
  out
    .split('\n')
    .filter((l) => l.startsWith('@@'))
    .join('\n');

/** Declares the tests of VM `vm`'s engine; skips loudly when RIOT or a tool is missing. */
export function describeRiotEngine(vm: string, spec: EngineSpec): void {
  const available = tools() && riot();
  (available ? describe : describe.skip)(`RIOT ${vm} engine on native64`, () => {
    let out = '';
    const output = () => out;

    beforeAll(() => {
      makeRiotApp(ENGINE_APP, { BOARD: 'native64', VM: vm, QUIET: '1' }, BUILD_TIMEOUT_MS);
      out = runApp(vm);
    }, BUILD_TIMEOUT_MS + RUN_TIMEOUT_MS);

    it('names its kind and version', () => {
      const preemptible = spec.preemptible ? 1 : 0;
      expect(out).toContain(`@@ENGINE ${vm} ${spec.version} preemptible=${preemptible}@@`);
    });

    const runs = BENCHMARKS.filter((name) => !spec.missing?.[name]);
    it.each(runs)('%s prints its expected output and exits 0', (name) => {
      const result = caseOf(out, name);
      expect(result.output).toBe(readFileSync(join(EXPECTED, `${name}.txt`), 'utf8'));
      expect(result.end).toBe('exit=0');
    });

    if (spec.missing && Object.keys(spec.missing).length > 0) {
      it.each(Object.entries(spec.missing))('has no %s image (%s)', (name) => {
        expect(out).not.toContain(`@@BEGIN ${name}@@`);
      });
    }

    it('stops the endless spin with budget_exhausted', () => {
      const spin = caseOf(out, 'spin');
      expect(spin.output).toBe('spin: looping forever\n');
      expect(spin.end).toMatch(/^fault=budget_exhausted /);
    });

    const wildFault = spec.wildStoreFault ?? 'bad_address';
    it(`stops wild-store with ${wildFault}`, () => {
      const wild = caseOf(out, 'wild-store');
      expect(wild.output).toBe(spec.wildStoreOutput);
      expect(wild.end.startsWith(`fault=${wildFault} `)).toBe(true);
    });

    spec.more?.(output);
  });
}
