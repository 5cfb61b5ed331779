import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MAX_SOURCE_BYTES } from './source';
import { validateSourcePayload } from './validate-source';

const bytes = (text: string) => new TextEncoder().encode(text);
const firmware = (path: string) =>
  new Uint8Array(readFileSync(join(__dirname, '../../../../firmware', path)));

describe('validateSourcePayload', () => {
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
