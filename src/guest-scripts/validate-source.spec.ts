import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { stopPythonChecks } from './python-check';
import { MAX_SOURCE_BYTES } from './source';
import { validateSourcePayload } from './validate-source';

const bytes = (text: string) => new TextEncoder().encode(text);
const firmware = (path: string) =>
  new Uint8Array(readFileSync(join(__dirname, '../../firmware', path)));

describe('validateSourcePayload', () => {
  afterAll(() => stopPythonChecks());

  it.each([
    ['lua', 'lua/bench/fibonacci.lua'],
    ['js', 'js/bench/fibonacci.js'],
    ['micropython', 'python/bench/fibonacci.py'],
  ] as const)('accepts %s firmware and derives its needs from the source', async (vm, path) => {
    const payload = firmware(path);
    const check = await validateSourcePayload(vm, payload);
    expect(check).toEqual({
      ok: true,
      needs: { ramBytes: expect.any(Number), flashBytes: payload.length, stackBytes: 0 },
    });
    // The runtime comes on top of the source (16 KiB for JerryScript, more for the others).
    if (check.ok) expect(check.needs.ramBytes).toBeGreaterThanOrEqual(payload.length + 16 * 1024);
  });

  it.each([
    [
      'lua',
      'local a = 1\nlocal b = 2\nlocal c = = 3\n',
      /^Lua syntax error: guest:3: unexpected symbol near '='/,
    ],
    [
      'js',
      'let a = 1;\nlet b = 2;\nlet c = = 3;\n',
      /^JavaScript syntax error \(line 3\): unexpected token/,
    ],
    ['micropython', 'a = 1\nb = 2\nc = = 3\n', /^Python syntax error \(line 3\): SyntaxError/],
  ] as const)('refuses a %s syntax error with its line and message', async (vm, source, reason) => {
    expect(await validateSourcePayload(vm, bytes(source))).toEqual({
      ok: false,
      code: 'image_rejected',
      reason: expect.stringMatching(reason),
    });
  });

  it('compiles without running: a program that would loop forever or exit is accepted', async () => {
    expect(await validateSourcePayload('lua', bytes('while true do end'))).toMatchObject({
      ok: true,
    });
    expect(await validateSourcePayload('js', bytes('for (;;) {}'))).toMatchObject({ ok: true });
    expect(await validateSourcePayload('js', bytes('yield 1;\nreturn 3;'))).toMatchObject({
      ok: true,
    });
    const python = bytes('while True:\n    pass\nawait sleep_ms(1)\nexit(1)');
    expect(await validateSourcePayload('micropython', python)).toMatchObject({ ok: true });
  });

  it.each([
    ['a loop', '})(); for (;;); (function* () {'],
    ['a throw', '})(); throw new Error("ran"); (function () {'],
    ['straight-line code', '}); globalThis.x = 1; (function* () {'],
    ['an operator between two functions', '} + (() => { for (;;); })() + function () {'],
    ['unbounded recursion', '})(); (function r() { r(); })(); (function () {'],
  ])(
    'refuses js that closes its wrapper and runs %s at load, without running it',
    async (_, js) => {
      const started = Date.now();
      expect(await validateSourcePayload('js', bytes(js))).toEqual({
        ok: false,
        code: 'image_rejected',
        reason: expect.stringMatching(/closes the function it runs in/),
      });
      // One interrupt poll of the check's own runtime, not the 60 s of a program's run.
      expect(Date.now() - started).toBeLessThan(5_000);
    },
  );

  it.each(['(', '[', '{', 'f(', '`${', 'if (x) '])(
    'refuses js nested 30,000 deep in %s with a clear reason, and still checks the next',
    async (open) => {
      expect(await validateSourcePayload('js', bytes(open.repeat(30_000)))).toEqual({
        ok: false,
        code: 'image_rejected',
        reason: expect.stringMatching(/nested too deeply for the compiler/),
      });
      expect(await validateSourcePayload('js', bytes('let a = [[[1]]];'))).toMatchObject({
        ok: true,
      });
    },
  );

  it('refuses python nested deeper than 200 brackets at once, not counting strings or comments', async () => {
    const started = Date.now();
    const deep = `x = 1\ny = ${'('.repeat(250_000)}`;
    expect(await validateSourcePayload('micropython', bytes(deep))).toEqual({
      ok: false,
      code: 'image_rejected',
      reason: 'Python syntax error (line 2): brackets nested deeper than 200 levels',
    });
    // Not MicroPython's compiler, which would take about an hour on this.
    expect(Date.now() - started).toBeLessThan(2_000);
    const quoted = [
      `s = "${'('.repeat(300)}"`,
      `t = """${'['.repeat(300)}\n${'{'.repeat(300)}"""`,
      `u = r"\\""${'('.repeat(3)}1${')'.repeat(3)}  # ${'('.repeat(300)}`,
      `v = ${'['.repeat(150)}1${']'.repeat(150)}`,
    ].join('\n');
    expect(await validateSourcePayload('micropython', bytes(quoted))).toMatchObject({ ok: true });
  });

  it('refuses python whose compile does not end in time (constant folding), then checks the next', async () => {
    const bomb = bytes(`x = ${'2**'.repeat(6)}1\n`); // 2**(2**65536), folded at compile time
    expect(await validateSourcePayload('micropython', bomb)).toEqual({
      ok: false,
      code: 'image_rejected',
      reason: expect.stringMatching(/^Python program did not compile within 5000 ms/),
    });
    expect(await validateSourcePayload('micropython', bytes('x = 2**64\n'))).toMatchObject({
      ok: true,
    });
    expect(await validateSourcePayload('micropython', bytes('x = = 1\n'))).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/^Python syntax error \(line 1\)/),
    });
  }, 30_000);

  it.each(['lua', 'js'] as const)(
    'refuses %s source that is not UTF-8, empty or too large',
    async (vm) => {
      const refused = (payload: Uint8Array) =>
        validateSourcePayload(vm, payload).then((check) => !check.ok && check.reason);
      expect(await refused(new Uint8Array([0x70, 0xff, 0xfe]))).toMatch(/not valid UTF-8/);
      expect(await refused(new Uint8Array())).toMatch(/empty/);
      expect(await refused(new Uint8Array(MAX_SOURCE_BYTES + 1).fill(0x20))).toMatch(/over the/);
    },
  );
});
