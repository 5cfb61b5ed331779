import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeWithTool } from '../../../test/support/system-tools';
import { EbpfEngine } from './engine';
import { FakeHost } from './testing/harness';

/**
 * What eBPF cannot do is refused at build time with the rule and the fix (README.md,
 * "What eBPF cannot do"): firmware/sdk/ebpf/cc.sh translates clang's errors,
 * firmware/tools/pack-rbf.ts refuses calls through function pointers and functions nobody
 * defines.
 */
const FIRMWARE = join(__dirname, '..', '..', '..', 'firmware');
const TS_NODE = join(FIRMWARE, '..', 'node_modules', '.bin', 'ts-node');

describeWithTool('clang-19', 'clang-19', 'ebpf build rules (clang-19)', () => {
  let dir = '';
  let flags: string[] = [];
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'ebpf-rules-'));
    const printed = spawnSync('make', ['-s', '-C', FIRMWARE, 'ebpf-cflags'], { encoding: 'utf8' });
    expect(printed.status).toBe(0);
    flags = printed.stdout.trim().split(/\s+/);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** Compiles (and packs) `source`; the status and everything printed. */
  function build(name: string, source: string): { status: number | null; said: string } {
    const c = join(dir, `${name}.c`);
    const o = join(dir, `${name}.o`);
    writeFileSync(c, source);
    const cc = spawnSync(
      join(FIRMWARE, 'sdk/ebpf/cc.sh'),
      ['clang-19', ...flags, '-c', c, '-o', o],
      {
        cwd: FIRMWARE,
        encoding: 'utf8',
      },
    );
    if (cc.status !== 0) return { status: cc.status, said: cc.stderr };
    const pack = spawnSync(TS_NODE, ['-T', 'tools/pack-rbf.ts', o, join(dir, `${name}.rbf`)], {
      cwd: FIRMWARE,
      encoding: 'utf8',
      timeout: 60_000,
    });
    return { status: pack.status, said: `${pack.stdout}${pack.stderr}` };
  }

  it.each<[string, string, RegExp]>([
    [
      'six-args',
      '__attribute__((noinline)) int f(int a, int b, int c, int d, int e, int g)' +
        ' { return a + b + c + d + e + g; }\n' +
        'int main(void) { volatile int k = 1; return f(k, k, k, k, k, k); }\n',
      /more than 5 arguments.*Pass a pointer to a struct/,
    ],
    [
      'big-stack',
      '__attribute__((noinline)) static int fill(volatile char *p)' +
        ' { for (int i = 0; i < 600; i++) p[i] = (char)i; return p[599]; }\n' +
        'int main(void) { char buf[600]; return fill(buf); }\n',
      /more than 512 bytes of stack.*Make the large local arrays or structs static/,
    ],
    [
      'float',
      'int main(void) { volatile double d = 1.5; volatile int k = 3; return (int)(d * k); }\n',
      /float or double; eBPF has no floating point.*fixed point/,
    ],
    [
      'no-math-h',
      '#include <math.h>\nint main(void) { return 0; }\n',
      /a header the eBPF SDK does not have.*no math.h/,
    ],
    [
      'function-pointer',
      'static int twice(int x) { return 2 * x; }\nstatic int inc(int x) { return x + 1; }\n' +
        'static int (*const table[])(int) = { twice, inc };\n' +
        'int main(void) { volatile int k = 1; return table[k](3); }\n',
      /main\(\) calls through a function pointer.*no indirect calls.*switch over an enum/,
    ],
    [
      'undefined',
      'long random_value(void);\nint main(void) { return (int)random_value(); }\n',
      /"random_value", which neither the program nor the eBPF SDK's C library/,
    ],
  ])(
    'refuses %s with the rule and the fix',
    (name, source, message) => {
      const { status, said } = build(name, source);
      expect(status).not.toBe(0);
      expect(said).toMatch(message);
    },
    60_000,
  );

  it('builds qsort/bsearch with a constant comparator (inlined: a direct call) and runs it', () => {
    const { status, said } = build(
      'qsort',
      '#include <stdio.h>\n#include <stdlib.h>\n' +
        'static int cmp(const void *a, const void *b) { return *(const int *)a - *(const int *)b; }\n' +
        'static int v[] = { 5, 3, 9, 1, 7, 2 };\n' +
        'int main(void) { qsort(v, 6, sizeof v[0], cmp); int key = 7;\n' +
        '  int *f = bsearch(&key, v, 6, sizeof v[0], cmp);\n' +
        '  printf("%d %d %d at %d\\n", v[0], v[1], v[5], f ? (int)(f - v) : -1); return 0; }\n',
    );
    expect({ status, said }).toEqual({ status: 0, said: '' });
    const host = new FakeHost();
    const engine = new EbpfEngine({ memoryBytes: 64 * 1024 }, host);
    engine.load(new Uint8Array(readFileSync(join(dir, 'qsort.rbf'))));
    expect(engine.run(1_000_000)).toEqual({ kind: 'exited', code: 0 });
    expect(host.output).toBe('1 2 9 at 4\n');
  }, 60_000);

  it('builds a user program of two C files (make APP=dir VM=ebpf) that runs', () => {
    const app = join(dir, 'myapp');
    mkdirSync(app);
    writeFileSync(
      join(app, 'main.c'),
      '#include <stdio.h>\nint twice(int x);\n' +
        'int main(void) { printf("twice(%d) = %d\\n", 21, twice(21)); return 3; }\n',
    );
    writeFileSync(join(app, 'util.c'), 'int twice(int x) { return 2 * x; }\n');
    const build = join(dir, 'build');
    const made = spawnSync(
      'make',
      ['-s', '-C', FIRMWARE, `APP=${app}`, 'VM=ebpf', `BUILD=${build}`],
      {
        encoding: 'utf8',
        timeout: 60_000,
      },
    );
    expect(made.stdout).toContain('myapp.rbf');
    expect(made.status).toBe(0);
    const host = new FakeHost();
    const engine = new EbpfEngine({ memoryBytes: 64 * 1024 }, host);
    engine.load(new Uint8Array(readFileSync(join(build, 'app', 'myapp.rbf'))));
    expect(engine.run(1_000_000)).toEqual({ kind: 'exited', code: 3 });
    expect(host.output).toBe('twice(21) = 42\n');
  }, 60_000);
});
