import type { GuestHost, RunOutcome } from '../engine';
import type { Program } from '../wasm/program';
import type { WasiConsole } from '../wasm/wasi';
import { AOT } from './instrument';
import { serviceCall, type ServiceAnswer } from './service';
import { SharedGuestMemory, V8, type V8Memory, type V8Module } from './shared-memory';

/** The fuel granted at once, as the worker's CHUNK: far below i32 overflow. */
const CHUNK = 2 ** 30;

/** An import the host answered during an inline run: its value and what it wrote to memory. */
export interface Replayed {
  value: number;
  writes: Array<[number, Uint8Array]>;
}

export type InlineEnd =
  /** The program exited here (a host's exit, or _start returned). */
  | { kind: 'done'; outcome: RunOutcome; spent: number }
  /**
   * The guest must stop mid-run (budget spent, a yield), which only the worker can, or it
   * faulted, whose pc only the worker's stack traces give reliably (a formatter installed on
   * this thread may rewrite them), or it hit V8's own stack limit, which is not the
   * worker's. The worker runs the program again from the start, served `log` without stops,
   * and stops where this run did. `answer` is the host's answer to the import it stops in.
   */
  | { kind: 'move'; why: MoveReason; log: Replayed[]; answer: Pending | null };

export type MoveReason = 'budget' | 'yield' | 'fault' | 'stack';

/** A host answer the worker's stop in the same import takes instead of asking the host again. */
export interface Pending {
  answer: ServiceAnswer;
  writes: Array<[number, Uint8Array]>;
}

/** The guest's memory view, noting what the host writes during one import. */
class RecordingMemory extends SharedGuestMemory {
  writes: Array<[number, Uint8Array]> = [];

  override writeBytes(address: number, bytes: Uint8Array): void {
    super.writeBytes(address, bytes);
    this.writes.push([address >>> 0, bytes.slice()]);
  }
}

/** Unwinds the guest's frames on the main thread once its run ends or must move. */
class Stopped extends Error {
  constructor(readonly end: InlineEnd) {
    super(`inline run ${end.kind}`);
  }
}

type Exports = Record<string, { value: number | bigint } & ((...args: unknown[]) => unknown)>;

/**
 * The compiled guest on the main thread (README.md, "Inline runs"): a program's first run
 * goes here, the host serves its imports directly, and no thread is woken. A run that ends
 * (exit, fault) stays here; one that must stop mid-run moves to the worker (engine.ts).
 */
export class InlineRun {
  readonly memory: V8Memory | null;
  readonly view: SharedGuestMemory;
  private readonly exp: Exports;
  private readonly recorder: RecordingMemory | null;
  private log: Replayed[] = [];
  private left = 0;
  private granted = 0;

  constructor(
    module: V8Module,
    pages: { min: number; max: number } | null,
    grant: number,
    private readonly program: Program,
    private readonly host: GuestHost,
    private readonly console: WasiConsole,
  ) {
    this.memory =
      pages === null
        ? null
        : new V8.Memory({ initial: pages.min, maximum: pages.max, shared: true });
    this.recorder = this.memory === null ? null : new RecordingMemory(this.memory, grant);
    this.view = this.recorder ?? SharedGuestMemory.empty();
    this.exp = this.instantiate(module);
  }

  /** The value of every guest global and of the lowest stack pointer, for the worker. */
  globals(): Array<[string, number | bigint]> {
    const names = Object.keys(this.exp).filter((n) => n.startsWith(AOT.globalPrefix));
    return [...names, AOT.lowest].map((n) => [n, this.exp[n].value]);
  }

  get lowest(): number {
    return Number(this.exp[AOT.lowest].value);
  }

  /** _start (after the module's start function) with `budget` instructions. */
  start(budget: number): InlineEnd {
    const chunk = Math.min(budget, CHUNK);
    this.left = budget - chunk;
    this.granted = chunk;
    this.exp[AOT.fuel].value = chunk;
    this.log = [];
    try {
      this.exp[AOT.start]?.();
      const result = this.exp._start();
      const code = typeof result === 'number' ? result | 0 : 0;
      return this.done({ kind: 'exited', code });
    } catch (error) {
      if (error instanceof Stopped) return error.end;
      return this.move(error instanceof RangeError ? 'stack' : 'fault', null);
    }
  }

  private instantiate(module: V8Module): Exports {
    const own: Record<string, unknown> = { [AOT.fuelOut]: () => this.fuelOut() };
    if (this.memory !== null) own[AOT.memory] = this.memory;
    const imports: Record<string, Record<string, unknown>> = { [AOT.module]: own };
    const api = V8 as unknown as {
      Module: { imports(m: V8Module): Array<{ module: string; name: string }> };
      Instance: new (m: V8Module, i: object) => { exports: Exports };
    };
    let n = 0;
    for (const d of api.Module.imports(module)) {
      if (d.module === AOT.module) continue;
      const index = n++;
      (imports[d.module] ??= {})[d.name] = (...args: unknown[]) => this.syscall(index, args);
    }
    return new api.Instance(module, imports).exports;
  }

  /** As the worker's fuelOut, except that a spent budget moves the run to the worker. */
  private fuelOut(): void {
    const fuel = this.exp[AOT.fuel];
    while ((fuel.value as number) < 0 && this.left > 0) {
      const chunk = Math.min(this.left, CHUNK);
      this.left -= chunk;
      this.granted += chunk;
      fuel.value = (fuel.value as number) + chunk;
    }
    if ((fuel.value as number) >= 0) return;
    throw new Stopped(this.move('budget', null));
  }

  /** An import, served by the host here; its answer is logged for a move to the worker. */
  private syscall(index: number, args: unknown[]): number {
    const lo: number[] = [];
    const hi: number[] = [];
    for (let j = 0; j < args.length && j < 4; j++) {
      const a = args[j];
      const big = typeof a === 'bigint' ? a : BigInt(Math.trunc(Number(a)) | 0);
      lo.push(Number(BigInt.asIntN(32, big)));
      hi.push(Number(BigInt.asIntN(32, big >> 32n)));
    }
    const recorder = this.recorder;
    if (recorder !== null) recorder.writes = [];
    const memory = recorder?.refresh() ?? this.view;
    const answer = serviceCall({ index, lo, hi }, this.program, memory, this.host, this.console);
    const writes = recorder?.writes ?? [];
    if (answer.kind === 'continue') {
      this.log.push({ value: answer.value, writes });
      return answer.value;
    }
    const { outcome } = answer;
    if (outcome.kind === 'exited') throw new Stopped(this.done(outcome));
    const why = outcome.kind === 'yielded' ? 'yield' : 'fault';
    throw new Stopped(this.move(why, { answer, writes }));
  }

  private done(outcome: RunOutcome): InlineEnd {
    const spent = this.granted - (this.exp[AOT.fuel].value as number);
    return { kind: 'done', outcome, spent };
  }

  private move(why: MoveReason, answer: Pending | null): InlineEnd {
    return { kind: 'move', why, log: this.log, answer };
  }
}
