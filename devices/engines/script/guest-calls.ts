import type { GuestHost, SyscallResult } from '../engine';
import {
  abiNumber,
  ACTUATOR_TYPES,
  CONDITION_OP_CODES,
  int32,
  RAW_EVENTS,
  ScriptApiError,
  SENSOR_TYPES,
} from './abi-names';
import { ScratchMemory } from './scratch-memory';

/** Syscall numbers of the guest ABI v1 (docs/guest-abi.md, the table under Syscalls). */
export const NR = {
  exit: 1,
  print: 2,
  timeMs: 4,
  sleepMs: 5,
  yield: 6,
  halProbe: 10,
  halRead: 11,
  halWrite: 12,
  publish: 20,
  onRaw: 30,
  onCondition: 31,
  emit: 32,
} as const;

/** The ABI caps one vm_print string at 1024 bytes; longer text goes out in pieces. */
const PRINT_CHUNK_CHARS = 256;

/** Why the script must stop now: it called exit, or the host refused a call. */
export type GuestStop = { kind: 'exit'; code: number } | { kind: 'fault'; message: string };

/** Thrown through the script VM to unwind it once a GuestStop is recorded. */
export class GuestStopSignal extends Error {
  constructor(readonly stop: GuestStop) {
    super(stop.kind === 'exit' ? `exit(${stop.code})` : stop.message);
  }
}

/**
 * The device API every script engine exposes, as plain JS calls: each one becomes a
 * `host.syscall` with the ABI's number, strings passed through a scratch buffer. Guest
 * handler functions stay in a table inside each engine; their index is the "address"
 * that eh_on_raw / eh_on_condition register and that invoke() gets back.
 */
export class GuestCalls {
  /** Set when the script must stop; the engine reports it once the VM has unwound. */
  stop: GuestStop | null = null;
  /** Set by sleep/yield: the engine suspends the script (where it can) with this. */
  pendingSleepMs: number | null = null;
  private readonly scratch = new ScratchMemory();

  constructor(private readonly host: GuestHost) {}

  /** Forgets pending requests (a new program, or reset). */
  clear(): void {
    this.stop = null;
    this.pendingSleepMs = null;
  }

  print(text: string): void {
    for (let i = 0; i < text.length; i += PRINT_CHUNK_CHARS) {
      const piece = text.slice(i, i + PRINT_CHUNK_CHARS);
      this.call(NR.print, () => [this.scratch.putCString(piece)]);
    }
  }

  timeMs(): number {
    return this.call(NR.timeMs, () => []);
  }

  sleepMs(ms: unknown): void {
    this.call(NR.sleepMs, () => [Math.max(0, int32(ms, 'sleep_ms(ms)'))]);
  }

  yield(): void {
    this.call(NR.yield, () => []);
  }

  exit(code: unknown): never {
    this.call(NR.exit, () => [code === undefined ? 0 : int32(code, 'exit(code)')]);
    throw new GuestStopSignal({ kind: 'exit', code: 0 });
  }

  halProbe(sensor: unknown): number {
    return this.call(NR.halProbe, () => [abiNumber(SENSOR_TYPES, sensor, 'sensor')]);
  }

  halRead(sensor: unknown, index: unknown = 0): number {
    const type = abiNumber(SENSOR_TYPES, sensor, 'sensor');
    return this.call(NR.halRead, () => [type, int32(index, 'sensor index')]);
  }

  halWrite(actuator: unknown, index: unknown, value: unknown): number {
    const type = abiNumber(ACTUATOR_TYPES, actuator, 'actuator');
    return this.call(NR.halWrite, () => [type, int32(index, 'index'), int32(value, 'value')]);
  }

  publish(name: unknown, value: unknown): void {
    if (typeof name !== 'string')
      throw new ScriptApiError('publish(name, value): name must be a string');
    this.call(NR.publish, () => [this.scratch.putCString(name), int32(value, 'publish value')]);
  }

  emit(eventId: unknown, value: unknown = 0): void {
    this.call(NR.emit, () => [int32(eventId, 'event id'), int32(value, 'event value')]);
  }

  /** events.on(event, fn): true when the device took the handler. */
  on(event: unknown, handlerIndex: number): boolean {
    const id = abiNumber(RAW_EVENTS, event, 'event');
    return this.call(NR.onRaw, () => [id, handlerIndex]) === 0;
  }

  /** events.on_condition(sensor, index, op, threshold, periodMs, fn). */
  onCondition(
    sensor: unknown,
    index: unknown,
    op: unknown,
    threshold: unknown,
    periodMs: unknown,
    handlerIndex: number,
  ): boolean {
    const words = [
      abiNumber(SENSOR_TYPES, sensor, 'sensor'),
      int32(index, 'sensor index'),
      abiNumber(CONDITION_OP_CODES, op, 'condition op'),
      int32(threshold, 'threshold'),
      int32(periodMs, 'period_ms'),
    ];
    return this.call(NR.onCondition, () => [this.scratch.putInt32s(words), handlerIndex]) === 0;
  }

  /** One syscall: `args` writes into the scratch buffer, so it runs after clear(). */
  private call(number: number, args: () => number[]): number {
    this.scratch.clear();
    const [a0 = 0, a1 = 0, a2 = 0, a3 = 0] = args();
    const result = this.host.syscall({ number, args: [a0, a1, a2, a3], memory: this.scratch });
    return this.settle(result);
  }

  private settle(result: SyscallResult): number {
    switch (result.kind) {
      case 'value':
        return result.value;
      case 'yield':
        this.pendingSleepMs = result.sleepMs;
        return result.value ?? 0;
      case 'exit':
        this.stop = { kind: 'exit', code: result.code };
        throw new GuestStopSignal(this.stop);
      case 'fault':
        this.stop = { kind: 'fault', message: result.message };
        throw new GuestStopSignal(this.stop);
    }
  }
}
