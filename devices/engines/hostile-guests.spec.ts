import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { VmKind } from '../../src/protocol';
import { createEngine, prepareEngines } from './index';
import { FIRMWARE, ScriptDevice } from './script/testing/script-harness';

/**
 * Hostile guests on every engine (issue 15): each ends in a fault code, the test process
 * (the host) keeps running, and its RSS grows by less than RSS_BOUND_BYTES over the guest.
 */
const RSS_BOUND_BYTES = 300 * 1024 * 1024;
const HOSTILE = join(__dirname, '../../test/fixtures/riot-hostile');

const C_IMAGES: Record<string, string> = {
  mips1: 'mips1/%.m1',
  ebpf: 'ebpf/%.rbf',
  wasm: 'wasm/%.wasm',
  'wasm-fast': 'wasm/%.wasm',
};
const SCRIPT_EXT: Record<string, string> = { lua: 'lua', js: 'js', micropython: 'py' };
const SCRIPT_APPS: Record<string, string> = { lua: 'lua', js: 'js', micropython: 'python' };

function image(vm: string, name: string): Uint8Array {
  if (C_IMAGES[vm]) return readFileSync(join(FIRMWARE, 'build', C_IMAGES[vm].replace('%', name)));
  const ext = SCRIPT_EXT[vm];
  const file =
    name === 'spin'
      ? join(FIRMWARE, SCRIPT_APPS[vm], 'apps', `spin.${ext}`)
      : join(HOSTILE, `${name}.${ext}`);
  return readFileSync(file);
}

const C_CASES: Array<[string, readonly string[]]> = [
  ['spin', ['budget_exhausted']],
  ['deep-recursion', ['stack_exhausted', 'bad_address']],
];
const SCRIPT_CASES: Array<[string, readonly string[]]> = [
  ['spin', ['budget_exhausted']],
  // Lua keeps its call stack in its heap: a runaway recursion runs out of memory first.
  ['deep-recursion', ['stack_exhausted', 'out_of_memory']],
  ['alloc-bomb', ['out_of_memory']],
];

const cases = (Object.keys(C_IMAGES) as VmKind[])
  .flatMap((vm) => C_CASES.map(([name, codes]) => [vm, name, codes] as const))
  .concat(
    (Object.keys(SCRIPT_EXT) as VmKind[]).flatMap((vm) =>
      SCRIPT_CASES.map(([name, codes]) => [vm, name, codes] as const),
    ),
  );

describe('hostile guests cannot take the host down', () => {
  beforeAll(() => prepareEngines());

  it.each(cases)(
    '%s %s ends in %j, host alive and RSS bounded',
    async (vm, name, codes) => {
      await prepareEngines([vm]);
      const before = process.memoryUsage().rss;
      const device = new ScriptDevice((limits, host) => createEngine(vm, limits, host));
      device.engine.load(image(vm, name));
      const outcome = device.runToEnd(20_000_000, 1_000_000);
      const grown = process.memoryUsage().rss - before;
      device.engine.dispose?.();
      // A preemptible engine hands back `budget`; the device (VmRunner) makes it budget_exhausted.
      const ended = outcome.kind === 'budget' ? 'budget_exhausted' : outcome.kind;
      expect(codes).toContain(outcome.kind === 'fault' ? outcome.fault.code : ended);
      expect(grown).toBeLessThan(RSS_BOUND_BYTES);
    },
    120_000,
  );

  it('a JS recursion caught at every level still ends, in a fault', async () => {
    await prepareEngines(['js']);
    const device = new ScriptDevice((limits, host) => createEngine('js', limits, host));
    const text = 'function f(n){ try { return 1 + f(n + 1) } catch (e) { return f(n + 1) } }\nf(0)';
    device.engine.load(new TextEncoder().encode(text));
    const outcome = device.runToEnd(10_000, 10_000);
    expect(outcome).toMatchObject({ kind: 'fault', fault: { code: 'budget_exhausted' } });
  }, 120_000);
});
