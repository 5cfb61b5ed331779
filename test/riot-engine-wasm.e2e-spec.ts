import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { caseOf, describeRiotEngine, type EngineSpec } from './support/riot-engine';

/**
 * The RIOT firmware's WAMR engines (firmware/riot/vm/wamr, VM=wasm and VM=wasm-fast) in
 * firmware/riot/tests/engine (test/support/riot-engine.ts): besides what every engine does,
 * WAMR's page must not widen the board's memory cap, button-counter's handler serves
 * invoke()s, and hostile and foreign modules are refused with their codes.
 */
const wamr = (version: string): EngineSpec => ({
  version,
  preemptible: false,
  wildStoreOutput: 'wild-store: writing to 0x7ffffff0\n',
  more: (output) => {
    it("traps an access past the board's cap though WAMR's page goes on", () => {
      // heapsort's .bss reaches past 24 KiB; with memoryBytes 24576 its data and stack fit.
      expect(output()).toMatch(/@@LOADED heapsort-24k [^\n]* guest=24576@@/);
      expect(caseOf(output(), 'heapsort-24k').end).toMatch(/^fault=bad_address /);
    });

    it("serves button-counter's handler through invoke() after main exits", () => {
      const out = output();
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
      ['wasi-files', 'unknown_import: wasi_snapshot_preview1.path_open is a WASI function'],
    ])('refuses %s with %s', (name, reason) => {
      expect(output()).toContain(`@@REFUSED ${name} ${reason}`);
      expect(output()).not.toContain(`@@LOADED ${name} `);
    });

    it('maps WASI fd_write to the console and proc_exit to the exit code', () => {
      expect(caseOf(output(), 'wasi-hello')).toEqual({ output: 'wasi: hello\n', end: 'exit=0' });
    });

    it('stops a C stack overflow with stack_exhausted (WAMR checks the exported layout)', () => {
      const deep = caseOf(output(), 'deep-recursion');
      expect(deep.output).toBe('deep-recursion: going down\n');
      expect(deep.end).toMatch(/^fault=stack_exhausted /);
    });

    it.each(['calc', 'floatconv', 'huffman', 'nbody', 'sort', 'strings'])(
      'runs bench/libc %s (build/wasm/libc, wasi-libc) with its native output',
      (name) => {
        const expected = join(__dirname, '..', 'firmware', 'expected', 'libc', `${name}.txt`);
        expect(caseOf(output(), `libc-${name}`)).toEqual({
          output: readFileSync(expected, 'utf8'),
          end: 'exit=0',
        });
      },
    );

    it('reports memory within the guest RAM', () => {
      const line = /@@MEMORY heapsort guest=(\d+) peak=(\d+) engine=(\d+)/.exec(output());
      expect(line).not.toBeNull();
      const [guest, peak, engine] = line!.slice(1).map(Number);
      // WAMR shrinks the memory of a module without memory.grow that exports __heap_base
      // (the SDK's programs without malloc) to end there: heapsort gets its stack, data
      // and .bss, not the whole page.
      expect(guest).toBeLessThanOrEqual(65536);
      expect(guest % 8).toBe(0);
      expect(peak).toBeGreaterThan(0);
      expect(peak).toBeLessThanOrEqual(guest);
      expect(engine).toBeGreaterThan(guest);
    });
  },
});

describeRiotEngine('wasm', wamr('wamr-2.1.1'));
describeRiotEngine('wasm-fast', wamr('wamr-2.1.1-fast'));
