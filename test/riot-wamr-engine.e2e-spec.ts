import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { requireEnv, requireTool } from './support/system-tools';

/**
 * The RIOT firmware's WAMR engines (firmware/riot/vm/wamr, VM=wasm and VM=wasm-fast),
 * built into the standalone test app firmware/riot/tests/wamr-engine for native64 and
 * run as a Linux process: every benchmark image must print exactly firmware/expected/
 * <name>.txt (what it prints natively), spin must end as budget_exhausted, hostile and
 * foreign modules must be refused with their codes, and button-counter's handler must
 * serve invoke()s. The app prints markers (cases/cases.c):
 *   @@BEGIN <name>@@\n<output>\n@@END <name> exit=<code>|fault=<code> <message>@@
 */
const REPO = join(__dirname, '..');
const FIRMWARE = join(REPO, 'firmware');
const APP = join(FIRMWARE, 'riot', 'tests', 'wamr-engine');
const KIT_ENV = join(REPO, '.riot', 'env.sh');
const EXPECTED = join(FIRMWARE, 'expected');
const VMS = ['wasm', 'wasm-fast'] as const;
type Vm = (typeof VMS)[number];

/** The benchmarks: every image with an expected output (all of them are embedded). */
const BENCHMARKS = readdirSync(EXPECTED)
  .filter((f) => f.endsWith('.txt'))
  .map((f) => f.slice(0, -'.txt'.length))
  .sort();

// One WAMR build per VM takes a minute or two on a shared 2-core machine.
const BUILD_TIMEOUT_MS = 20 * 60 * 1000;
const RUN_TIMEOUT_MS = 2 * 60 * 1000;

/** How make finds RIOT: the offline kit's env.sh (which also redirects pkg fetches), else RIOTBASE. */
function riotSetup(): { script: string } | null {
  const tools = [
    ['make', 'make'],
    ['gcc', 'gcc'],
    ['cmake', 'cmake'],
    ['xxd', 'xxd'],
    ['git', 'git'],
  ].every(([tool, pkg]) => requireTool(tool, pkg));
  if (!tools) return null;
  if (existsSync(KIT_ENV)) return { script: `. '${KIT_ENV}' && exec make "$@"` };
  const base = requireEnv(
    'RIOTBASE',
    'install the offline RIOT kit (.riot/env.sh) or export RIOTBASE=<a RIOT checkout>',
  );
  return base === undefined ? null : { script: 'exec make "$@"' };
}

function build(script: string, vm: Vm): void {
  const result = spawnSync(
    '/bin/sh',
    ['-c', script, 'make', '-j2', 'BOARD=native64', `VM=${vm}`, 'QUIET=1'],
    { cwd: APP, encoding: 'utf8', timeout: BUILD_TIMEOUT_MS, maxBuffer: 64 * 1024 * 1024 },
  );
  if (result.status !== 0) {
    throw new Error(`make VM=${vm} failed (${result.status ?? result.signal}):\n${tail(result)}`);
  }
}

function runApp(vm: Vm): string {
  const elf = join(APP, 'bin', vm, 'native64', 'wamr_engine_test.elf');
  const result = spawnSync(elf, [], {
    cwd: APP,
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
function caseOf(out: string, name: string): { output: string; end: string } {
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

const setup = riotSetup();

(setup === null ? describe.skip : describe)('RIOT WAMR engines on native64', () => {
  const outputs = new Map<Vm, string>();

  beforeAll(() => {
    for (const vm of VMS) {
      build(setup!.script, vm);
      outputs.set(vm, runApp(vm));
    }
  }, BUILD_TIMEOUT_MS * VMS.length);

  const output = (vm: Vm) => outputs.get(vm)!;

  describe.each(VMS)('VM=%s', (vm) => {
    it('names its kind and WAMR version and is not preemptible', () => {
      const version = vm === 'wasm' ? 'wamr-2.1.1' : 'wamr-2.1.1-fast';
      expect(output(vm)).toContain(`@@ENGINE ${vm} ${version} preemptible=0@@`);
    });

    it.each(BENCHMARKS)('%s prints its expected output and exits 0', (name) => {
      const result = caseOf(output(vm), name);
      expect(result.output).toBe(readFileSync(join(EXPECTED, `${name}.txt`), 'utf8'));
      expect(result.end).toBe('exit=0');
    });

    it('stops the endless spin with budget_exhausted', () => {
      const spin = caseOf(output(vm), 'spin');
      expect(spin.output).toBe('spin: looping forever\n');
      expect(spin.end).toMatch(/^fault=budget_exhausted /);
    });

    it('traps a store outside linear memory as bad_address', () => {
      const wild = caseOf(output(vm), 'wild-store');
      expect(wild.output).toBe('wild-store: writing to 0x7ffffff0\n');
      expect(wild.end).toMatch(/^fault=bad_address /);
    });

    it("traps an access past the board's cap though WAMR's page goes on", () => {
      // heapsort's .bss reaches past 16 KiB; with memoryBytes 16384 its data and stack fit.
      expect(output(vm)).toContain('@@LOADED heapsort-16k us=');
      expect(output(vm)).toMatch(/@@LOADED heapsort-16k [^\n]* guest=16384@@/);
      expect(caseOf(output(vm), 'heapsort-16k').end).toMatch(/^fault=bad_address /);
    });

    it("serves button-counter's handler through invoke() after main exits", () => {
      const out = output(vm);
      expect(caseOf(out, 'button-counter').end).toBe('exit=0');
      for (let press = 1; press <= 5; press++) {
        const served = caseOf(out, `press${press}`);
        const emit = press === 5 ? '[emit 100=5]\n' : '';
        expect(served.output).toBe(`[publish presses=${press}]\n${emit}`);
        expect(served.end).toBe('returned=0');
      }
      expect(out).toContain('@@INVOKE bad=-1@@');
      expect(out).toContain('@@READ inside=1 outside=0@@');
    });

    it.each([
      ['bad-magic', 'bad_magic: '],
      ['env-import', 'unknown_import: env.foo'],
      ['print-no-args', 'import_signature: vmfleet.vm_print'],
      ['small-ram', 'does_not_fit: '],
    ])('refuses %s with %s', (name, reason) => {
      expect(output(vm)).toContain(`@@REFUSED ${name} ${reason}`);
      expect(output(vm)).not.toContain(`@@LOADED ${name} `);
    });

    it('reports memory within the guest RAM', () => {
      const line = /@@MEMORY heapsort guest=(\d+) peak=(\d+) engine=(\d+)/.exec(output(vm));
      expect(line).not.toBeNull();
      const [guest, peak, engine] = line!.slice(1).map(Number);
      expect(guest).toBe(65536);
      expect(peak).toBeGreaterThan(0);
      expect(peak).toBeLessThanOrEqual(guest);
      expect(engine).toBeGreaterThan(guest);
    });
  });
});
