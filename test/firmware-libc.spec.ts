import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../cli/main';
import { captureIo } from '../cli/testing/capture-io';
import type {
  GuestHost,
  RunOutcome,
  SyscallRequest,
  SyscallResult,
} from '../devices/engines/engine';
import { Mips1Engine } from '../devices/engines/mips1';
import { mips1StaticEnd, parseMips1Image } from '../src/protocol/images/mips1-image';
import { describeWithTool } from './support/system-tools';

/**
 * The standard-C programs (firmware/bench/libc) on the mips1 SDK's C environment (newlib,
 * libgcc's soft-float): every committed image prints on the engine exactly what the native
 * build printed (firmware/expected/libc) and exits 0; one runs through `vmfleet run`. With
 * the cross compiler, `make APP=dir` builds small programs that pin the C runtime's edges:
 * exit codes, abort and assert, atexit, stdio flushing, malloc's limit and the stack's.
 */
const FIRMWARE = join(__dirname, '..', 'firmware');
const IMAGES = join(FIRMWARE, 'build', 'mips1', 'libc');
const EXPECTED = join(FIRMWARE, 'expected', 'libc');
/** What the libc images are linked for (firmware/Makefile M1_STDC_MEMORY_BYTES). */
const GUEST_MEMORY_BYTES = 128 * 1024;
const ARG_AREA_BYTES = 16;
/** Each run is short enough for a test (firmware/README.md: < 20 M instructions). */
const MAX_INSTRUCTIONS = 20_000_000;
const SLICE = 1_000_000;

const PROGRAMS = readdirSync(join(FIRMWARE, 'bench', 'libc'))
  .filter((f) => f.endsWith('.c'))
  .map((f) => f.slice(0, -2))
  .sort();

/** The console part of the guest ABI: exit, print, print_int. */
class ConsoleHost implements GuestHost {
  output = '';

  syscall(call: SyscallRequest): SyscallResult {
    const [a0] = call.args;
    switch (call.number) {
      case 1:
        return { kind: 'exit', code: a0 };
      case 2:
        this.output += call.memory.readCString(a0, 1024);
        return { kind: 'value', value: 0 };
      case 3:
        this.output += String(a0 | 0);
        return { kind: 'value', value: 0 };
      default:
        return { kind: 'fault', message: `syscall ${call.number} is not part of the console ABI` };
    }
  }
}

function runImage(image: Uint8Array, memoryBytes = GUEST_MEMORY_BYTES) {
  const host = new ConsoleHost();
  const engine = new Mips1Engine({ memoryBytes }, host);
  engine.load(image);
  let end: RunOutcome;
  do end = engine.run(SLICE);
  while (end.kind === 'budget' && engine.inspect().instructions < MAX_INSTRUCTIONS);
  return { end, output: host.output, instructions: engine.inspect().instructions };
}

const readImage = (name: string) => new Uint8Array(readFileSync(join(IMAGES, `${name}.m1`)));

describe('standard-C programs on mips1 (committed images)', () => {
  it('has at least 15 programs, each with an image and a native expected output', () => {
    expect(PROGRAMS.length).toBeGreaterThanOrEqual(15);
    const images = readdirSync(IMAGES).filter((f) => f.endsWith('.m1'));
    expect(images.map((f) => f.slice(0, -3)).sort()).toEqual(PROGRAMS);
    for (const name of PROGRAMS) {
      expect(readFileSync(join(EXPECTED, `${name}.txt`), 'utf8')).toMatch(/\ncheck: ok\n$/);
    }
  });

  it.each(PROGRAMS)('%s prints on the mips1 engine what it prints natively, exit 0', (name) => {
    const image = readImage(name);
    const parsed = parseMips1Image(image);
    expect(parsed.stackBytes).toBe(16 * 1024);
    expect(mips1StaticEnd(parsed) + parsed.stackBytes + ARG_AREA_BYTES).toBeLessThanOrEqual(
      GUEST_MEMORY_BYTES,
    );
    const run = runImage(image);
    expect(run.output).toBe(readFileSync(join(EXPECTED, `${name}.txt`), 'utf8'));
    expect(run.end).toEqual({ kind: 'exited', code: 0 });
    expect(run.instructions).toBeLessThan(MAX_INSTRUCTIONS);
  });

  it('runs through `vmfleet run` on a board profile', async () => {
    const captured = captureIo();
    const code = await runCli(['run', join(IMAGES, 'huffman.m1')], { io: captured.io });
    expect(captured.stdout()).toContain(readFileSync(join(EXPECTED, 'huffman.txt'), 'utf8'));
    expect(captured.stderr()).toMatch(/-- exited with 0\n/);
    expect(code).toBe(0);
  }, 60_000);
});

/** Builds `source` as a user's APP with the SDK (make APP=...) and returns the image. */
function buildApp(dir: string, name: string, source: string, vars: string[] = []): Uint8Array {
  const app = join(dir, name);
  mkdirSync(app, { recursive: true });
  writeFileSync(join(app, 'main.c'), source);
  const build = join(dir, 'build');
  const result = spawnSync(
    'make',
    ['-C', FIRMWARE, '-s', '--no-print-directory', `APP=${app}`, `BUILD=${build}`, ...vars],
    { encoding: 'utf8', timeout: 120_000 },
  );
  if (result.status !== 0) throw new Error(`make APP=${app} failed:\n${result.stderr}`);
  return new Uint8Array(readFileSync(join(build, 'app', `${name}.m1`)));
}

describeWithTool('mipsel-linux-gnu-gcc', 'gcc-mipsel-linux-gnu', 'the mips1 C runtime', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'vmfleet-libc-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const cases: Array<[string, string, string[], RunOutcome, string | RegExp]> = [
    [
      'exit-code',
      '#include <stdio.h>\nint main(void) { printf("no newline"); return 7; }\n',
      [],
      { kind: 'exited', code: 7 },
      'no newline', // stdio is flushed when main returns
    ],
    [
      'abort',
      '#include <stdio.h>\n#include <stdlib.h>\nint main(void) { puts("before"); abort(); }\n',
      [],
      { kind: 'exited', code: 134 },
      'before\n',
    ],
    [
      'assert',
      '#include <assert.h>\nint main(void) { volatile int x = 2; assert(x == 3); return 0; }\n',
      [],
      { kind: 'exited', code: 134 },
      /^assertion "x == 3" failed: file ".*main\.c", line 2, function: main\n$/,
    ],
    [
      'atexit',
      '#include <stdlib.h>\n#include "vmfleet.h"\nstatic void bye(void) { vm_print("bye\\n"); }\n' +
        'int main(void) { atexit(bye); return 5; }\n',
      [],
      { kind: 'exited', code: 5 },
      'bye\n',
    ],
    [
      'heap-limit',
      // stdout's buffer comes from the heap too: the first printf takes it before the loop.
      '#include <stdio.h>\n#include <stdlib.h>\nint main(void) { int n = 0; printf("heap\\n");\n' +
        '  while (malloc(1000) != NULL) n++;\n  printf("%d\\n", n); return n >= 5 && n <= 8 ? 0 : 1; }\n',
      ['APP_HEAP_BYTES=8192'],
      { kind: 'exited', code: 0 },
      /^heap\n\d\n$/,
    ],
  ];

  it.each(cases)(
    '%s',
    (name, source, vars, end, output) => {
      const run = runImage(buildApp(dir, name, source, vars));
      expect(run.output).toMatch(typeof output === 'string' ? new RegExp(`^${output}$`) : output);
      expect(run.end).toEqual(end);
    },
    120_000,
  );

  it('stops a recursion past the stack the build asked for with stack_exhausted', () => {
    const source =
      '#include <stdio.h>\nstatic int down(volatile int n) { volatile char pad[64]; pad[0] = (char)n;\n' +
      '  return n == -1 ? 0 : down(n + 1) + pad[0]; }\n' +
      'int main(void) { puts("down"); return down(0); }\n';
    const run = runImage(buildApp(dir, 'recursion', source, ['APP_STACK_BYTES=4096']));
    expect(run.output).toBe('down\n');
    expect(run.end).toMatchObject({ kind: 'fault', fault: { code: 'stack_exhausted' } });
    if (run.end.kind === 'fault') expect(run.end.fault.message).toContain('4096 granted');
  }, 120_000);
});
