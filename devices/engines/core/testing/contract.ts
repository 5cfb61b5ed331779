import { imageFormatOf, type ImageFormat, type VmKind } from '../../../../src/protocol/vm';
import { NotSupportedError, type Engine, type GuestHost, type RunOutcome } from '../../engine';
import { createEngine, prepareEngines } from '../../index';
import { ScriptDevice } from '../../script/testing/script-harness';
import { MAX_READ_BYTES } from '../guest-memory';
import { checkInspection, checkMemoryReport } from './checks';
import {
  FAULT_CODES,
  guestImage,
  READABLE_ADDRESS,
  refuseHalWrites,
  type GuestName,
} from './guests';

/**
 * The Engine contract (devices/engines/engine.ts), checked on one VM kind with the real
 * guests of firmware/: the state machine, a failed load(), the errors before load(), budgets
 * that pause and resume, exits and faults, invoke(), bounded memory reads, inspect() and
 * memory() shapes, NotSupportedError where an engine documents it, dispose().
 */
export function describeEngineContract(kind: VmKind): void {
  const c = contractFor(kind);
  describeLifecycle(c);
  describeBudgets(c);
  describeInvoke(c);
  describeIntrospection(c);
}

/** What the cases share: the VM kind's format, devices closed after each case, known gaps. */
interface Contract {
  readonly format: ImageFormat;
  device(wrapHost?: HostWrapper): ScriptDevice;
  loaded(name: GuestName, wrapHost?: HostWrapper): ScriptDevice;
  case(name: string, test: () => void): void;
}

type HostWrapper = (host: GuestHost) => GuestHost;

function contractFor(kind: VmKind): Contract {
  const opened: ScriptDevice[] = [];
  const format = imageFormatOf(kind);
  // MicroPython hands every engine a fresh interpreter from a pool that refills async.
  beforeEach(async () => {
    expect.hasAssertions();
    await prepareEngines([kind]);
  });
  afterEach(() => {
    for (const created of opened.splice(0)) created.engine.dispose?.();
  });
  const device = (wrapHost: HostWrapper = (host) => host) => {
    const created = new ScriptDevice((limits, host) => createEngine(kind, limits, wrapHost(host)));
    opened.push(created);
    return created;
  };
  return {
    format,
    device,
    loaded(name, wrapHost) {
      const created = device(wrapHost);
      created.engine.load(guestImage(format, name));
      return created;
    },
    case(name, test) {
      const gap = KNOWN_GAPS[kind]?.[name];
      if (gap === undefined) it(name, test, CASE_TIMEOUT_MS);
      else it.skip(`${name} (known gap: ${gap})`, test);
    },
  };
}

/** The state machine, exits and faults, and the errors before load(). */
function describeLifecycle(c: Contract): void {
  c.case('idle → loaded → running → exited, and reset() back to loaded', () => {
    const d = c.device();
    const { engine } = d;
    expect(engine.state).toBe('idle');
    expect(engine.inspect().state).toBe('idle');
    engine.load(guestImage(c.format, 'blink'));
    expect(engine.state).toBe('loaded');
    expect(engine.run(1e9)).toEqual({ kind: 'yielded', sleepMs: 500 });
    expect(engine.state).toBe('running');
    expect(d.runToEnd()).toEqual({ kind: 'exited', code: 0 });
    expect(engine.state).toBe('exited');
    expect(engine.run(1e9)).toEqual({ kind: 'exited', code: 0 });
    engine.reset();
    expect(engine.state).toBe('loaded');
    expect(engine.inspect()).toMatchObject({ state: 'loaded', instructions: 0 });
    expect(d.runToEnd()).toEqual({ kind: 'exited', code: 0 });
    expect(d.output).toBe('blink: 10 toggles\n'.repeat(2));
  });

  c.case('a fault leaves the engine faulted with a coded fault run() repeats', () => {
    const d = c.loaded('wild-store');
    const outcome = d.runToEnd(1e9, sliceFor(d.engine));
    expect(outcome.kind).toBe('fault');
    const fault = outcome.kind === 'fault' ? outcome.fault : undefined;
    expect(FAULT_CODES).toContain(fault?.code);
    expect(fault?.code).not.toBe('budget_exhausted');
    expect(Number.isInteger(fault?.pc)).toBe(true);
    expect(fault?.message).toMatch(/\w/);
    expect(d.engine.state).toBe('faulted');
    expect(d.engine.inspect().state).toBe('faulted');
    expect(d.engine.run(1000)).toEqual(outcome);
    expect(() => d.engine.invoke(0, [])).toThrow(/faulted/);
    d.engine.reset();
    expect(d.engine.state).toBe('loaded');
  });

  c.case("main's exit code reaches the outcome", () => {
    const d = c.loaded('blink', refuseHalWrites);
    expect(d.runToEnd()).toEqual({ kind: 'exited', code: 1 });
    expect(d.output).toBe('blink: no LED 0\n');
    expect(d.engine.state).toBe('exited');
  });

  c.case('load() of a bad image throws and keeps the program loaded before', () => {
    const d = c.loaded('blink');
    expect(() => d.engine.load(NOT_A_PROGRAM)).toThrow(Error);
    expect(d.engine.state).toBe('loaded');
    expect(d.runToEnd()).toEqual({ kind: 'exited', code: 0 });
    expect(d.output).toBe('blink: 10 toggles\n');
  });

  c.case('run, step, invoke and readMemory before load() throw, and it stays idle', () => {
    const { engine } = c.device();
    const refused = /no (\w+ )?program loaded|not supported|while the (program|engine) is idle/;
    expect(() => engine.run(1000)).toThrow(refused);
    expect(() => engine.step(1)).toThrow(refused);
    expect(() => engine.invoke(0, [])).toThrow(refused);
    expect(() => engine.readMemory(0, 4)).toThrow(refused);
    expect(engine.state).toBe('idle');
    checkMemoryReport(engine);
  });
}

/** Budgets: a preemptible engine pauses and resumes, in slices or steps. */
function describeBudgets(c: Contract): void {
  c.case('a budget that runs out pauses a preemptible engine; another run() resumes it', () => {
    const d = c.loaded('spin');
    if (!preemptible(d.engine)) {
      // Documented (Engine.preemptible): the program ends with budget_exhausted instead.
      expect(d.engine.run(1000)).toMatchObject({
        kind: 'fault',
        fault: { code: 'budget_exhausted' },
      });
      expect(d.engine.state).toBe('faulted');
      return;
    }
    expect(d.engine.run(1000)).toEqual({ kind: 'budget' });
    expect(d.engine.state).toBe('running');
    expect(d.engine.inspect().instructions).toBe(1000);
    expect(d.engine.run(1000)).toEqual({ kind: 'budget' });
    expect(d.engine.inspect().instructions).toBe(2000);
    expect(d.output).toBe('spin: looping forever\n');
  });

  c.case('sliced runs add up to one run: the same outcome, count and output', () => {
    const whole = c.loaded('fibonacci');
    const sliced = c.loaded('fibonacci');
    // A non-preemptible engine gets one run() per program: two such runs must agree.
    const slice = preemptible(whole.engine) ? ODD_SLICE : 1e12;
    expect(whole.runToEnd()).toEqual({ kind: 'exited', code: 0 });
    expect(sliced.runToEnd(1e12, slice)).toEqual({ kind: 'exited', code: 0 });
    expect(sliced.output).toBe(whole.output);
    expect(sliced.output).toMatch(/check: ok/);
    expect(sliced.engine.inspect().instructions).toBe(whole.engine.inspect().instructions);
  });

  c.case('step(n) runs n instructions like run(n), or throws NotSupportedError', () => {
    const d = c.loaded('spin');
    d.engine.run(1000); // past spin's print
    const before = d.engine.inspect().instructions;
    let outcome: RunOutcome;
    try {
      outcome = d.engine.step(7);
    } catch (error) {
      expect(error).toBeInstanceOf(NotSupportedError);
      return;
    }
    expect(preemptible(d.engine)).toBe(true);
    expect(outcome).toEqual({ kind: 'budget' });
    expect(d.engine.inspect().instructions).toBe(before + 7);
    expect(d.engine.step(7)).toEqual({ kind: 'budget' });
    expect(d.engine.inspect().instructions).toBe(before + 14);
  });
}

/** Invoke(): handlers, their arguments and addresses. */
function describeInvoke(c: Contract): void {
  c.case('a handler runs through invoke() to returned, back in the state before', () => {
    const d = c.loaded('button-counter');
    expect(d.runToEnd()).toEqual({ kind: 'exited', code: 0 });
    d.events.inject(1, 1000);
    const event = d.events.next();
    expect(event).toBeDefined();
    d.engine.invoke(event!.handler, [event!.value]);
    expect(d.engine.state).toBe('running');
    expect(() => d.engine.invoke(event!.handler, [1])).toThrow(/running/);
    expect(d.runToEnd()).toMatchObject({ kind: 'returned' });
    expect(d.engine.state).toBe('exited');
    expect(d.published).toEqual([{ name: 'presses', value: 1 }]);
  });

  c.case('invoke() refuses more than 4 arguments with a RangeError', () => {
    const d = c.loaded('button-counter');
    d.runToEnd();
    d.events.inject(1, 1000);
    const event = d.events.next()!;
    expect(() => d.engine.invoke(event.handler, [1, 2, 3, 4, 5])).toThrow(RangeError);
    expect(d.engine.state).toBe('exited');
  });

  c.case('a bad handler address throws or faults with a code; reset() recovers', () => {
    const d = c.loaded('button-counter');
    d.runToEnd();
    let outcome: RunOutcome | undefined;
    try {
      d.engine.invoke(0x7ffffff1, [0]);
      outcome = d.runToEnd(1e9, sliceFor(d.engine));
    } catch (error) {
      expect(error).toBeInstanceOf(RangeError);
    }
    if (outcome !== undefined) {
      expect(outcome.kind).toBe('fault');
      expect(FAULT_CODES).toContain(outcome.kind === 'fault' ? outcome.fault.code : undefined);
      expect(d.engine.state).toBe('faulted');
    }
    d.engine.reset();
    expect(d.runToEnd()).toEqual({ kind: 'exited', code: 0 });
  });
}

/** ReadMemory(), inspect(), memory() and dispose(). */
function describeIntrospection(c: Contract): void {
  c.case('readMemory refuses reads out of bounds or too long, and the guest runs on', () => {
    const d = c.loaded('blink');
    const reads: Array<[number, number]> = [
      [0xfffffff0, 16],
      [-4, 4],
      [1.5, 1],
      [0, MAX_READ_BYTES + 1],
      [0, -1],
    ];
    for (const [address, length] of reads) {
      let error: unknown;
      try {
        d.engine.readMemory(address, length);
      } catch (e) {
        error = e;
      }
      expect([RangeError, NotSupportedError].some((type) => error instanceof type)).toBe(true);
    }
    expect(d.runToEnd()).toEqual({ kind: 'exited', code: 0 });
  });

  c.case('readMemory copies guest memory, or throws NotSupportedError without flat memory', () => {
    const d = c.loaded('blink');
    const address = READABLE_ADDRESS[c.format];
    if (address === undefined) {
      expect(() => d.engine.readMemory(0, 4)).toThrow(NotSupportedError);
      return;
    }
    const bytes = d.engine.readMemory(address(d.engine), 16);
    expect(bytes).toBeInstanceOf(Uint8Array);
    expect(bytes).toHaveLength(16);
    bytes.fill(0xff); // a copy: the guest does not see it
    expect(d.runToEnd()).toEqual({ kind: 'exited', code: 0 });
  });

  c.case('inspect() has the Inspection shape before load, loaded and running', () => {
    const d = c.device();
    checkInspection(d.engine);
    d.engine.load(guestImage(c.format, 'blink'));
    checkInspection(d.engine);
    d.engine.run(1e9);
    checkInspection(d.engine);
  });

  c.case('memory() is sane: whole byte counts, peak ≤ guest ≤ the board grant', () => {
    const d = c.loaded('blink');
    d.runToEnd();
    const report = checkMemoryReport(d.engine);
    expect(report.peakGuestBytes).toBeGreaterThan(0);
    expect(report.engineBytes).toBeGreaterThan(0);
  });

  c.case('dispose() may be called twice', () => {
    const d = c.loaded('blink');
    d.runToEnd();
    expect(() => {
      d.engine.dispose?.();
      d.engine.dispose?.();
    }).not.toThrow();
  });
}

const preemptible = (engine: Engine) => engine.preemptible !== false;

/**
 * Cases an engine does not meet yet, by VM kind and case name, each with the reason; the
 * suite skips them by name (and says why) instead of leaving them out silently.
 */
const KNOWN_GAPS: Partial<Record<VmKind, Record<string, string>>> = {};

const CASE_TIMEOUT_MS = 60_000;
/** Neither an image of the bytecode formats nor a script any of the languages compiles. */
const NOT_A_PROGRAM = new TextEncoder().encode('(( not a program');
/** A prime slice, so slice ends fall everywhere in the program's loops and syscalls. */
const ODD_SLICE = 9_973;

/** What a device gives a non-preemptible engine: its whole budget in one run(). */
const sliceFor = (engine: Engine) => (engine.preemptible === false ? 1e12 : 10_000_000);
