import * as fs from 'node:fs';
import * as path from 'node:path';
import type { VmKind } from '../src/protocol';
import { BOARDS } from '../devices/boards';
import { AVAILABLE_ENGINES, prepareEngines } from '../devices/engines';
import { runGuest } from '../devices/runtime/guest-bench';
import { firstDifference, type Measurement, type Program, type Runner } from './runner';

/** The nrf52840 guest budget the compiled images are built for (firmware/sdk/mips1/link.ld). */
const IMAGE_GUEST_BYTES = 64 * 1024;

/** One engine running in this process through createEngine(kind, …). */
export interface InProcessEngine {
  kind: VmKind;
  /** The program's image under firmware/, `%` standing for its name. */
  image: string;
  memoryBytes: number;
  /** Why a program has no image, where the reason is known; otherwise "no <image> for it". */
  missing?: Readonly<Record<string, string>>;
  /** Awaited once before the first run (script VMs load their runtime asynchronously). */
  prepare?: () => Promise<unknown>;
}

/** Compiled images, built for the 64 KiB guest budget. */
const compiled = (kind: VmKind, image: string, missing?: Record<string, string>) => ({
  kind,
  image,
  memoryBytes: IMAGE_GUEST_BYTES,
  missing,
});

/** What the nrf52840 grants a script VM's heap (RAM minus RIOT), as the device computes it. */
const SCRIPT_GUEST_BYTES =
  Math.floor((BOARDS.nrf52840.ramBytes - BOARDS.nrf52840.osRamBytes) / 1024) * 1024;

/** Script VMs take their source as the image and load their WebAssembly runtime first. */
const script = (kind: VmKind, image: string): InProcessEngine => ({
  kind,
  image,
  memoryBytes: SCRIPT_GUEST_BYTES,
  prepare: () => prepareEngines([kind]),
});

/**
 * Every in-process engine bench:vm knows, in table order; one line each. Kinds this
 * runtime does not offer yet (AVAILABLE_ENGINES) are left out until it does.
 */
const KNOWN_ENGINES: InProcessEngine[] = [
  compiled('mips1', 'build/mips1/%.m1'),
  compiled('ebpf', 'build/ebpf/%.rbf'),
  compiled('wasm', 'build/wasm/%.wasm'),
  compiled('wasm-fast', 'build/wasm/%.wasm'),
  compiled('mips1-jit', 'build/mips1/%.m1'),
  compiled('ebpf-jit', 'build/ebpf/%.rbf'),
  compiled('wasm-aot', 'build/wasm/%.wasm'),
  script('lua', 'lua/bench/%.lua'),
  script('js', 'js/bench/%.js'),
  script('micropython', 'python/bench/%.py'),
];
export const IN_PROCESS_ENGINES = KNOWN_ENGINES.filter((e) => AVAILABLE_ENGINES.includes(e.kind));

/** Why a run's end or output does not match the native build's. */
function problemOf(p: Program, end: ReturnType<typeof runGuest>['end'], output: string) {
  if (end.kind === 'fault') return `fault ${end.fault.code}: ${end.fault.message}`;
  if (end.kind !== 'exited') return `stopped with ${end.kind} after the instruction cap`;
  if (end.code !== 0) return `exit code ${end.code}`;
  if (output !== p.expected) return `output differs, ${firstDifference(p.expected, output)}`;
  return undefined;
}

export function inProcessRunner(engine: InProcessEngine, firmware: string): Runner {
  const fileOf = (name: string) => path.join(firmware, engine.image.replace('%', name));
  const images = new Map<string, Uint8Array>();
  const imageOf = (name: string) => {
    let image = images.get(name);
    if (!image) images.set(name, (image = new Uint8Array(fs.readFileSync(fileOf(name)))));
    return image;
  };
  return {
    column: engine.kind,
    unavailable: (name) =>
      fs.existsSync(fileOf(name))
        ? null
        : (engine.missing?.[name] ?? `no firmware/${engine.image.replace('%', '<name>')} for it`),
    run(p: Program): Measurement {
      const image = imageOf(p.name);
      try {
        const run = runGuest(engine.kind, image, engine.memoryBytes);
        return {
          ms: run.execMs,
          loadMs: run.loadMs,
          imageBytes: run.imageBytes,
          instructions: run.instructions,
          peakGuestBytes: run.peakGuestBytes,
          invalid: problemOf(p, run.end, run.output),
        };
      } catch (error) {
        return { ms: NaN, imageBytes: image.length, invalid: `threw: ${(error as Error).message}` };
      }
    },
  };
}
