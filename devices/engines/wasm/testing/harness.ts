import type { GuestHost, RunOutcome } from '../../engine';
import { WasmEngine, type WasmEngineOptions, type WasmMode } from '..';
import { F32, F64, I32, I64, ModuleBuilder, op } from './builder';
import { FakeHost } from './host';

export const MODES: readonly WasmMode[] = ['classic', 'fast'];
export const TEST_MEMORY_BYTES = 64 * 1024;

export function loadEngine(
  mode: WasmMode,
  image: Uint8Array,
  host: GuestHost = new FakeHost(),
  options: Partial<WasmEngineOptions> = {},
  memoryBytes = TEST_MEMORY_BYTES,
): WasmEngine {
  const engine = new WasmEngine({ memoryBytes }, host, { ...options, mode });
  engine.load(image);
  return engine;
}

/** Runs until the program ends (anything but budget or yield), at most `cap` instructions. */
export function runToEnd(engine: WasmEngine, cap = 10_000_000): RunOutcome {
  let end: RunOutcome;
  do end = engine.run(cap);
  while (end.kind === 'yielded');
  return end;
}

const STORE: Record<number, number> = { [I32]: 0x36, [I64]: 0x37, [F32]: 0x38, [F64]: 0x39 };

/**
 * Evaluates `expr` (instructions leaving one value of `type`) in a `_start` that stores
 * the value at address 0 of a one-page memory; returns the value's 8 bytes as a BigInt
 * (i32/f32 in the low half) or the fault code when it traps.
 */
export function evaluate(mode: WasmMode, type: number, expr: number[]): bigint | string {
  const m = new ModuleBuilder().memory(1);
  m.func({ export: '_start', body: [...op.i32(0), ...expr, ...op.mem(STORE[type])] });
  const engine = loadEngine(mode, m.build());
  const end = engine.run(10_000);
  if (end.kind === 'fault') return end.fault.code;
  if (end.kind !== 'exited') throw new Error(`unexpected ${JSON.stringify(end)}`);
  const bytes = engine.readMemory(0, 8);
  const view = new DataView(bytes.buffer);
  return type === I32 || type === F32 ? BigInt(view.getInt32(0, true)) : view.getBigInt64(0, true);
}

export const f32Bits = (x: number) => {
  const view = new DataView(new ArrayBuffer(4));
  view.setFloat32(0, x, true);
  return BigInt(view.getInt32(0, true));
};

export const f64Bits = (x: number) => {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x, true);
  return view.getBigInt64(0, true);
};
