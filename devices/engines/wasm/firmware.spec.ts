import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describeWithTool, requireTool } from '../../../test/support/system-tools';
import type { RunOutcome } from '../engine';
import { WasmEngine, type WasmMode } from '.';
import { FakeHost } from './testing/host';
import { runOnV8 } from './testing/v8';
import { runWasiOnV8 } from './testing/wasi-v8';

/**
 * The differential test for wasm: every committed benchmark image (firmware/build/wasm)
 * prints exactly firmware/expected/<name>.txt (the native output) on the classic and the
 * fast engine, and under V8 with the same imports.
 */
const FIRMWARE = join(__dirname, '..', '..', '..', 'firmware');
const IMAGES = join(FIRMWARE, 'build', 'wasm');
const EXPECTED = join(FIRMWARE, 'expected');
/** The nrf52840 guest budget, as for mips1: the images are linked for one 64 KiB page. */
const GUEST_MEMORY_BYTES = 64 * 1024;
const SLICE = 1_000_000;
const INSTRUCTION_CAP = 500_000_000;

const names = (dir: string, ext: string) =>
  (existsSync(dir) ? readdirSync(dir) : [])
    .filter((f) => f.endsWith(ext))
    .map((f) => f.slice(0, -ext.length))
    .sort();

const BENCHMARKS = names(EXPECTED, '.txt');
const LIBC_IMAGES = join(IMAGES, 'libc');
const LIBC_PROGRAMS = names(LIBC_IMAGES, '.wasm');
/** it.each over the standard-C images; a loud skip while there are none (no bench/libc). */
const eachLibc = LIBC_PROGRAMS.length > 0 ? it.each(LIBC_PROGRAMS) : it.skip.each(['(none)']);
/** bench/libc programs wasm.mk leaves out (WASM_LIBC_UNSUPPORTED), and why. */
const NOT_FOR_WASM: Record<string, string> = {
  jmp: 'setjmp/longjmp need the exception-handling proposal; wasi-libc has no <setjmp.h>',
};
const IMAGES_OS = join(FIRMWARE, 'build', 'wasm-Os');
const APPS = names(join(FIRMWARE, 'apps'), '.c');
const readImage = (name: string) => new Uint8Array(readFileSync(join(IMAGES, `${name}.wasm`)));
const readExpected = (name: string) => readFileSync(join(EXPECTED, `${name}.txt`), 'utf8');

function runToEnd(mode: WasmMode, image: Uint8Array) {
  const host = new FakeHost();
  const engine = new WasmEngine({ memoryBytes: GUEST_MEMORY_BYTES }, host, { mode });
  engine.load(image);
  let end: RunOutcome;
  do end = engine.run(SLICE);
  while (
    (end.kind === 'budget' || end.kind === 'yielded') &&
    engine.inspect().instructions < INSTRUCTION_CAP
  );
  return { end, output: host.output, engine };
}

describe('wasm firmware images', () => {
  it('has a committed image for every benchmark and demo app', () => {
    expect(names(IMAGES, '.wasm')).toEqual([...BENCHMARKS, ...APPS].sort());
  });

  describe.each(['classic', 'fast'] as const)('on the %s engine', (mode) => {
    it.each(BENCHMARKS)('%s prints expected/<name>.txt and exits 0', (name) => {
      const { end, output, engine } = runToEnd(mode, readImage(name));
      expect(output).toBe(readExpected(name));
      expect(end).toEqual({ kind: 'exited', code: 0 });
      expect(engine.memory().peakGuestBytes).toBeGreaterThan(0);
    });

    it('counts .bss in the peak: sieve marks 8 KB of flags there, in no data segment', () => {
      const { engine } = runToEnd(mode, readImage('sieve'));
      expect(engine.memory().peakGuestBytes).toBeGreaterThan(8000);
    });
  });

  // The standard-C programs (firmware/bench/libc, the same sources as mips1's): wasi-libc's
  // printf, malloc and libm through the WASI mapping, against the native output.
  describe.each(['classic', 'fast'] as const)('standard-C programs on the %s engine', (mode) => {
    it('has a committed image for every program of bench/libc wasm can run', () => {
      const sources = names(join(FIRMWARE, 'bench', 'libc'), '.c');
      expect(names(LIBC_IMAGES, '.wasm')).toEqual(sources.filter((n) => !(n in NOT_FOR_WASM)));
    });

    eachLibc('libc/%s prints expected/libc/<name>.txt and exits 0', (name) => {
      const image = new Uint8Array(readFileSync(join(LIBC_IMAGES, `${name}.wasm`)));
      const { end, output, engine } = runToEnd(mode, image);
      expect(output).toBe(readFileSync(join(EXPECTED, 'libc', `${name}.txt`), 'utf8'));
      expect(end).toEqual({ kind: 'exited', code: 0 });
      expect(engine.memory().peakGuestBytes).toBeLessThan(GUEST_MEMORY_BYTES);
    });
  });

  eachLibc("libc/%s prints the same under V8 with Node's WASI (the oracle)", (name) => {
    const image = new Uint8Array(readFileSync(join(LIBC_IMAGES, `${name}.wasm`)));
    const { output } = runToEnd('fast', image);
    expect(runWasiOnV8(image)).toEqual({ code: 0, output });
  });

  it.each(BENCHMARKS)(
    '%s built with -Os (build/wasm-Os) prints the same on the fast engine',
    (name) => {
      const { end, output } = runToEnd(
        'fast',
        new Uint8Array(readFileSync(join(IMAGES_OS, `${name}.wasm`))),
      );
      expect(output).toBe(readExpected(name));
      expect(end).toEqual({ kind: 'exited', code: 0 });
    },
  );

  it.each(BENCHMARKS)('%s prints the same under V8 (the oracle)', (name) => {
    const host = new FakeHost();
    expect(runOnV8(readImage(name), host)).toBe(0);
    expect(host.output).toBe(readExpected(name));
  });
});

describeWithTool('wasm-ld', 'lld', 'wasm firmware builds (e2e)', () => {
  it('rebuild byte for byte from source (make check-wasm)', () => {
    if (!requireTool('clang', 'clang')) return;
    const result = spawnSync('make', ['-C', FIRMWARE, '--no-print-directory', '-s', 'check-wasm'], {
      encoding: 'utf8',
      timeout: 300_000,
    });
    expect(`${result.stdout}${result.stderr}`).toContain('images reproduce byte for byte');
    expect(result.status).toBe(0);
  }, 300_000);

  it('rebuild the -Os profile byte for byte (make check-wasm PROFILE=Os)', () => {
    if (!requireTool('clang', 'clang')) return;
    const result = spawnSync(
      'make',
      ['-C', FIRMWARE, '--no-print-directory', '-s', 'check-wasm', 'PROFILE=Os'],
      { encoding: 'utf8', timeout: 300_000 },
    );
    expect(`${result.stdout}${result.stderr}`).toContain('images reproduce byte for byte (Os)');
    expect(result.status).toBe(0);
  }, 300_000);
});
