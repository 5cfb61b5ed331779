import fc from 'fast-check';
import { WasmEngine, WasmLoadError } from '../../../devices/engines/wasm';
import {
  parseWasmModule,
  validateWasmPayload,
  WasmImageError,
} from '../../../src/protocol/images/wasm';
import {
  F32,
  F64,
  I32,
  I64,
  ModuleBuilder,
  op,
  sleb,
} from '../../../src/protocol/images/wasm/testing/builder';
import { type FuzzTarget, PropertyViolation } from '../harness';
import { firmwareSeeds, randomBytes, seededBytes } from '../mutate';
import { FUZZ_MEMORY_BYTES, nullHost, runLoaded } from './engine-host';

/** V8's own validator (lib ES2022 has no WebAssembly types). */
const v8 = (globalThis as unknown as { WebAssembly: { validate(bytes: Uint8Array): boolean } })
  .WebAssembly;

const WASM_HEADER = new Uint8Array([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]);

/** Instructions with their immediates, mostly well-typed in some order, plus raw opcodes. */
const instruction = fc.oneof(
  fc.integer({ min: -70000, max: 70000 }).map((n) => [0x41, ...sleb(n)]), // i32.const
  fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }).map((n) => [0x42, ...sleb(n)]),
  fc.constantFrom(
    op.nop(),
    op.drop(),
    op.select(),
    op.block(),
    op.loop(),
    op.if(),
    op.else(),
    op.end(),
    op.return(),
    op.unreachable(),
    op.memorySize(),
    [0x40, 0x00], // memory.grow
    op.block(I32),
    op.if(I32),
    [0x43, 0, 0, 0x80, 0x3f], // f32.const 1
    [0x44, 0, 0, 0, 0, 0, 0, 0xf0, 0x3f], // f64.const 1
  ),
  fc.nat({ max: 5 }).map((d) => op.br(d)),
  fc.nat({ max: 5 }).map((d) => op.brIf(d)),
  fc
    .tuple(fc.array(fc.nat({ max: 4 }), { maxLength: 4 }), fc.nat({ max: 4 }))
    .map(([l, f]) => op.brTable(l, f)),
  fc.nat({ max: 5 }).map((i) => op.localGet(i)),
  fc.nat({ max: 5 }).map((i) => op.localSet(i)),
  fc.nat({ max: 5 }).map((i) => op.localTee(i)),
  fc.nat({ max: 1 }).map((i) => op.globalGet(i)),
  fc.nat({ max: 1 }).map((i) => op.globalSet(i)),
  fc.nat({ max: 3 }).map((f) => op.call(f)),
  fc.nat({ max: 2 }).map((t) => op.callIndirect(t)),
  fc
    .tuple(fc.integer({ min: 0x28, max: 0x3e }), fc.nat({ max: 70000 }), fc.nat({ max: 4 }))
    .map(([o, offset, align]) => op.mem(o, offset, align)),
  fc.integer({ min: 0x45, max: 0xbf }).map((o) => [o]), // numeric
  fc.integer({ min: 0, max: 255 }).map((o) => [o]),
);

/** A module the vmfleet rules accept but for its `_start` body, which is random code. */
const randomCode = fc.array(instruction, { maxLength: 40 }).map((ops) => {
  const m = new ModuleBuilder();
  m.import('vm_print_int', [I32], []);
  m.memory(1, 2).table(2);
  m.global(I32, true, [0x41, 0x00]);
  const helper = m.func({ params: [I32], results: [I32], body: [...op.localGet(0)] });
  const body = ops.flat();
  m.func({ results: [I32], locals: [I32, I64, F32, F64], body, export: '_start' });
  m.elem(0, [helper]);
  m.data(16, [1, 2, 3, 4]);
  return m.build();
});

/**
 * `.wasm`: decoder + validator (the gateway check and parseWasmModule), V8 as the oracle
 * (whatever we accept, WebAssembly.validate accepts), then both engines' load() + a run.
 */
export const wasmTarget: FuzzTarget = {
  name: 'wasm',
  covers:
    'src/protocol/images/wasm decodeModule + parseWasmModule + validateWasmPayload, devices/engines/wasm load + run (classic, fast)',
  ciRuns: 400,
  inputs: () =>
    seededBytes(
      firmwareSeeds('wasm', '.wasm'),
      fc.oneof(randomCode, randomBytes(128, WASM_HEADER), randomBytes(64)),
    ),
  check: (input) => {
    const verdict = validateWasmPayload(input);
    try {
      parseWasmModule(input);
    } catch (err) {
      if (!(err instanceof WasmImageError)) throw err;
      if (verdict.ok) throw new PropertyViolation('validateWasmPayload accepted a refused module');
      return 'refused';
    }
    if (!verdict.ok) throw new PropertyViolation(`validateWasmPayload refused: ${verdict.reason}`);
    if (!v8.validate(input)) {
      throw new PropertyViolation('accepted a module that V8 (WebAssembly.validate) refuses');
    }
    for (const mode of ['classic', 'fast'] as const) {
      const engine = new WasmEngine({ memoryBytes: FUZZ_MEMORY_BYTES }, nullHost, { mode });
      try {
        engine.load(input);
      } catch (err) {
        if (err instanceof WasmImageError || err instanceof WasmLoadError) continue;
        throw err;
      }
      runLoaded(engine);
    }
    return 'accepted';
  },
};
