import * as fs from 'node:fs';
import * as path from 'node:path';
import { validatePayload } from './validate-payload';
import { parseWasmModule } from '../../protocol/images/wasm/validate';

const image = (name: string, vm = 'mips1', ext = 'm1') =>
  fs.readFileSync(
    path.join(__dirname, '..', '..', '..', 'firmware', 'build', vm, `${name}.${ext}`),
  );

describe('validatePayload', () => {
  it('accepts a real mips1 image and derives what it needs', async () => {
    const payload = image('fibonacci');
    const check = await validatePayload('mips1', payload);
    expect(check).toEqual({
      ok: true,
      needs: {
        ramBytes: expect.any(Number),
        flashBytes: payload.length,
        stackBytes: expect.any(Number),
      },
    });
    if (check.ok) expect(check.needs.ramBytes).toBeGreaterThan(0x1000 + 2200);
  });

  it('rejects a corrupt mips1 image with the parser reason', async () => {
    const bad = Buffer.from(image('fibonacci'));
    bad[0] = 0x58;
    expect(await validatePayload('mips1', bad)).toMatchObject({
      ok: false,
      code: 'image_rejected',
      reason: expect.stringMatching(/^bad_magic/),
    });
    expect(await validatePayload('mips1', Buffer.alloc(4))).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/^image_too_small/),
    });
  });

  it('accepts a real ebpf image and refuses a mips1 one as ebpf, with the verifier reason', async () => {
    const check = await validatePayload('ebpf', image('fibonacci', 'ebpf', 'rbf'));
    expect(check).toMatchObject({ ok: true, needs: { stackBytes: expect.any(Number) } });
    expect(await validatePayload('ebpf', image('fibonacci'))).toMatchObject({
      ok: false,
      code: 'image_rejected',
      reason: expect.stringMatching(/^bad_magic/),
    });
  });

  it.each(['wasm', 'wasm-fast'] as const)(
    'accepts a real %s image and refuses garbage',
    async (vm) => {
      expect(await validatePayload(vm, image('fibonacci', 'wasm', 'wasm'))).toMatchObject({
        ok: true,
      });
      expect(await validatePayload(vm, image('fibonacci'))).toMatchObject({
        ok: false,
        code: 'image_rejected',
      });
    },
  );

  it("counts a wasm image's .bss (up to its __heap_base) in the RAM it needs", async () => {
    const dir = path.join(__dirname, '..', '..', '..', 'firmware', 'build', 'wasm', 'libc');
    const names = fs.readdirSync(dir).filter((f) => f.endsWith('.wasm'));
    expect(names.length).toBeGreaterThan(0);
    for (const name of names) {
      const payload = fs.readFileSync(path.join(dir, name));
      const { exports, globals } = parseWasmModule(payload).module;
      const heap = exports.find((e) => e.kind === 'global' && e.name === '__heap_base')!;
      const check = await validatePayload('wasm', payload);
      expect(check.ok && check.needs.ramBytes).toBeGreaterThanOrEqual(
        globals[heap.index].init.lo >>> 0,
      );
    }
  });

  it.each([
    ['lua', 'print("hi")'],
    ['js', 'print("hi");'],
    ['micropython', 'print("hi")'],
  ] as const)('accepts %s source and refuses a syntax error', async (vm, source) => {
    expect(await validatePayload(vm, Buffer.from(source))).toMatchObject({ ok: true });
    expect(await validatePayload(vm, Buffer.from('x = = 1'))).toMatchObject({
      ok: false,
      code: 'image_rejected',
      reason: expect.stringMatching(/syntax/),
    });
  });
});
