import type { RunOutcome } from '../../engine';
import { WasmEngine, type WasmMode } from '..';
import { FakeHost } from './host';
import { runOnV8 } from './v8';

/** The nrf52840 guest budget the images are built for (one 64 KiB page). */
const GUEST_MEMORY_BYTES = 64 * 1024;
const SLICE = 10_000_000;
const INSTRUCTION_CAP = 1_000_000_000;

/** One guest run's figures, for bench:vm (bench/engines.ts). */
export interface WasmGuestRun {
  loadMs: number;
  imageBytes: number;
  execMs: number;
  instructions: number;
  peakGuestBytes: number;
  output: string;
  end: RunOutcome;
}

/** Loads and runs one .wasm to its end on a fresh engine in `mode`, in this process. */
export function runWasmGuest(image: Uint8Array, mode: WasmMode): WasmGuestRun {
  const host = new FakeHost();
  const engine = new WasmEngine({ memoryBytes: GUEST_MEMORY_BYTES }, host, { mode });
  const loadStarted = performance.now();
  const load = engine.load(image);
  const loadMs = performance.now() - loadStarted;
  let end: RunOutcome;
  const started = performance.now();
  do end = engine.run(SLICE);
  while (
    (end.kind === 'budget' || end.kind === 'yielded') &&
    engine.inspect().instructions < INSTRUCTION_CAP
  );
  return {
    loadMs,
    imageBytes: load.imageBytes,
    execMs: performance.now() - started,
    instructions: engine.inspect().instructions,
    peakGuestBytes: engine.memory().peakGuestBytes,
    output: host.output,
    end,
  };
}

/** The same program under V8 (compile + instantiate + run), for the side-by-side. */
export function runWasmOnV8(image: Uint8Array): {
  execMs: number;
  output: string;
  exitCode: number;
} {
  const host = new FakeHost();
  const started = performance.now();
  const exitCode = runOnV8(image, host);
  return { execMs: performance.now() - started, output: host.output, exitCode };
}
