import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Engine, RunOutcome } from '../../engine';
import { ScriptDevice, FIRMWARE } from '../../script/testing/script-harness';
import { WasmEngine } from '../../wasm';
import { WasmAotEngine } from '../engine';

/** Image folders the differential covers, relative to firmware/build. */
export const IMAGE_DIRS = ['wasm', 'wasm/libc', 'wasm-Os'] as const;

/** Every committed wasm image as [folder/name, bytes path]. */
export function wasmImages(): Array<[string, string]> {
  return IMAGE_DIRS.flatMap((dir) =>
    readdirSync(join(FIRMWARE, 'build', dir))
      .filter((f) => f.endsWith('.wasm'))
      .sort()
      .map((f): [string, string] => [`${dir}/${f.slice(0, -5)}`, join(FIRMWARE, 'build', dir, f)]),
  );
}

export const readWasm = (path: string) => new Uint8Array(readFileSync(path));

/** What a run ended in, the part both tiers must agree on. */
export interface RunSummary {
  output: string;
  end: string;
  /** The fault's pc, 0 for any other end. */
  pc: number;
  instructions: number;
}

export const classicDevice = () =>
  new ScriptDevice((limits, host) => new WasmEngine(limits, host, { mode: 'classic' }));
export const aotDevice = () => new ScriptDevice((limits, host) => new WasmAotEngine(limits, host));

/** `exited 0`, `fault bad_address`, `budget`…: an outcome without its message or pc. */
export function describeEnd(outcome: RunOutcome): string {
  switch (outcome.kind) {
    case 'exited':
      return `exited ${outcome.code}`;
    case 'returned':
      return `returned ${outcome.value}`;
    case 'fault':
      return `fault ${outcome.fault.code}`;
    case 'yielded':
      return `yielded ${outcome.sleepMs}`;
    case 'budget':
      return 'budget';
  }
}

/** Loads `image` on a fresh device and runs it to its end in slices of `slice` instructions. */
export function runImage(
  device: ScriptDevice,
  image: Uint8Array,
  slice: number,
  budget = 3e9,
): RunSummary {
  device.engine.load(image);
  const end = device.runToEnd(budget, slice);
  return {
    output: device.output,
    end: describeEnd(end),
    pc: end.kind === 'fault' ? end.fault.pc : 0,
    instructions: device.engine.inspect().instructions,
  };
}

export const disposeOf = (engine: Engine) => engine.dispose?.();
