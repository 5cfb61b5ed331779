import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hasTool } from '../../../test/support/system-tools';
import type { RunOutcome } from '../engine';
import { EbpfEngine } from './engine';
import { FakeHost } from './testing/harness';

/**
 * The standard-C programs of firmware/bench/libc that eBPF can express, built by
 * firmware/ebpf.mk into build/ebpf/libc/ with the SDK's C library: each passes its own
 * self-check on the TS engine and prints what its native build prints
 * (firmware/expected/libc/<name>.txt). The others cannot be eBPF programs; why is below
 * (README.md, "bench/libc"); ebpf.mk's EBPF_LIBC names the built ones.
 */
const FIRMWARE = join(__dirname, '..', '..', '..', 'firmware');
const IMAGES = join(FIRMWARE, 'build', 'ebpf', 'libc');
const EXPECTED = join(FIRMWARE, 'expected', 'libc');
const CANNOT: Record<string, string> = {
  bintrees: 'malloc/free: the .rbf format has no heap',
  fft: 'double and <math.h>: eBPF has no floating point',
  floatconv: 'float/double conversions: no floating point',
  hashmap: 'malloc/realloc: no heap',
  huffman: 'double, and more than 512 B of stack in one function',
  jmp: '<setjmp.h>: eBPF cannot save or restore its registers or jump between frames',
  lu: 'double and <math.h>: no floating point',
  mathlib: '<math.h>: no floating point',
  nbody: 'double and <math.h>: no floating point',
  strings: 'main keeps 8 64-byte entries and its buffers on the stack: over 512 B',
};

const names = (dir: string, ext: string) =>
  readdirSync(dir)
    .filter((f) => f.endsWith(ext))
    .map((f) => f.slice(0, -ext.length))
    .sort();
const SOURCES = names(join(FIRMWARE, 'bench', 'libc'), '.c');
/** ebpf.mk's EBPF_LIBC. */
const BUILT = ['calc', 'crc64', 'format', 'sieve', 'sort', 'xorshift'];

/** What the program prints built natively with gcc (the reference, as `make expected`). */
function nativeOutput(name: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'ebpf-libc-'));
  try {
    const exe = join(dir, name);
    const cc = spawnSync('gcc', [
      '-O2',
      '-w',
      '-o',
      exe,
      join(FIRMWARE, 'bench', 'libc', `${name}.c`),
    ]);
    expect(cc.status).toBe(0);
    return spawnSync(exe, { encoding: 'utf8' }).stdout;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function runToEnd(engine: EbpfEngine): RunOutcome {
  let end: RunOutcome;
  do end = engine.run(1_000_000);
  while (end.kind === 'budget' && engine.inspect().instructions < 200_000_000);
  return end;
}

describe('ebpf libc programs (firmware/build/ebpf/libc, no toolchain needed)', () => {
  it('has an image for every bench/libc program eBPF can express, and no other', () => {
    expect(names(IMAGES, '.rbf')).toEqual(BUILT);
    for (const name of BUILT)
      expect({ name, source: SOURCES.includes(name) }).toEqual({ name, source: true });
  });

  it('gives a reason for every program it does not build, and each such program exists', () => {
    for (const name of Object.keys(CANNOT))
      expect({ name, exists: SOURCES.includes(name) }).toEqual({ name, exists: true });
    const undecided = SOURCES.filter((name) => !BUILT.includes(name) && !(name in CANNOT));
    // A program added to bench/libc after this list: build it (ebpf.mk EBPF_LIBC) or say why not.
    if (undecided.length > 0)
      console.warn(`ebpf: bench/libc programs not yet classified: ${undecided.join(', ')}`);
  });

  it.each(BUILT)(
    '%s passes its self-check and prints what its native build prints',
    (name) => {
      const host = new FakeHost();
      const engine = new EbpfEngine({ memoryBytes: 64 * 1024 }, host);
      engine.load(new Uint8Array(readFileSync(join(IMAGES, `${name}.rbf`))));
      expect(runToEnd(engine)).toEqual({ kind: 'exited', code: 0 });
      expect(host.output).toMatch(/check: ok\n$/);
      const expected = join(EXPECTED, `${name}.txt`);
      if (existsSync(expected)) {
        expect(host.output).toBe(readFileSync(expected, 'utf8'));
      } else if (hasTool('gcc')) {
        // expected/libc comes with the mips1 part of issue 14 (make expected); until then
        // the reference is the native build itself.
        expect(host.output).toBe(nativeOutput(name));
      } else {
        console.warn(`SKIP compare: no ${expected} and no gcc (apt-get install gcc)`);
      }
    },
    60_000,
  );
});
