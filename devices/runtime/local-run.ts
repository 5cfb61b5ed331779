import type { VmKind } from '../../src/protocol';
import type { BoardProfile } from '../boards';
import { prepareEngines } from '../engines';
import type { Engine, EngineLimits, GuestHost, LoadReport } from '../engines/engine';
import { SimulatedHal } from '../hal/hal';
import { EventHandler } from './event-handler';
import { DeviceGuestHost, GuestOutputs } from './guest-host';
import { RunEnd, VmRunner } from './vm-runner';

export type EngineFactory = (limits: EngineLimits, host: GuestHost) => Engine;

export interface LocalRunOptions {
  image: Uint8Array;
  board: BoardProfile;
  createEngine: EngineFactory;
  /** The VM kind createEngine makes: its runtime is prepared first (default: every kind's). */
  vm?: VmKind;
  outputs: GuestOutputs;
  seed?: number;
  /** Stop a program that serves events after this long; default 10 s. */
  serveMs?: number;
  mainBudget?: number;
}

export interface LocalRunReport {
  end: RunEnd;
  loadTimeMs: number;
  imageBytes: number;
  instructions: number;
  executeMs: number;
  /** Million guest instructions per second of execution time. */
  guestMips: number;
  guestMemoryBytes: number;
  peakGuestBytes: number;
  handlersRun: number;
}

/** The guest memory a board grants the VM: what RIOT leaves free, in whole KiB. */
export function guestMemoryBytes(board: BoardProfile): number {
  return Math.max(0, Math.floor((board.ramBytes - board.osRamBytes) / 1024) * 1024);
}

/** Runs one image in one simulated device with no gateway, like `iwasm` for our images. */
export async function runLocally(o: LocalRunOptions): Promise<LocalRunReport> {
  await prepareEngines(o.vm ? [o.vm] : undefined);
  const startedAt = performance.now();
  const clock = () => performance.now() - startedAt;
  const hal = new SimulatedHal(o.board, o.seed ?? 1);
  const events = new EventHandler();
  const engine = o.createEngine(
    { memoryBytes: guestMemoryBytes(o.board) },
    new DeviceGuestHost(hal, events, o.outputs, clock),
  );
  try {
    return await runLoaded(o, engine, engine.load(o.image), { clock, hal, events });
  } finally {
    engine.dispose?.();
  }
}

async function runLoaded(
  o: LocalRunOptions,
  engine: Engine,
  load: LoadReport,
  device: { clock: () => number; hal: SimulatedHal; events: EventHandler },
): Promise<LocalRunReport> {
  const { clock, hal, events } = device;
  const runner = new VmRunner(engine, events, hal, { clock, mainBudget: o.mainBudget });
  let serveTimer: NodeJS.Timeout | undefined;
  runner.on('phase', (phase) => {
    if (phase === 'serving' && !serveTimer)
      serveTimer = setTimeout(() => runner.stop(), o.serveMs ?? 10_000);
  });
  const end = await runner.start();
  clearTimeout(serveTimer);
  const stats = runner.stats();
  const memory = engine.memory();
  return {
    end,
    loadTimeMs: load.loadTimeMs,
    imageBytes: load.imageBytes,
    instructions: stats.instructions,
    executeMs: stats.executeMs,
    guestMips: stats.executeMs > 0 ? stats.instructions / stats.executeMs / 1000 : 0,
    guestMemoryBytes: memory.guestBytes,
    peakGuestBytes: memory.peakGuestBytes,
    handlersRun: stats.handlersRun,
  };
}
