import { ABI_LIMITS, CONDITION_STRUCT_BYTES, SYSCALL_NUMBERS } from '../../src/protocol/guest-abi';
import type { GuestHost, GuestMemoryView, SyscallRequest, SyscallResult } from '../engines/engine';
import type { SimulatedHal } from '../hal/hal';
import { CONDITION_OPS, EventHandler } from './event-handler';

/** Syscall numbers of the guest ABI (src/protocol/guest-abi.ts). */
export const SYSCALLS = SYSCALL_NUMBERS;

const MAX_PRINT_BYTES = ABI_LIMITS.printMaxBytes;
const MAX_NAME_BYTES = ABI_LIMITS.publishNameMaxBytes;

/** Where the guest's output and messages go: the console for `vmfleet run`, the gateway on a device. */
export interface GuestOutputs {
  print(text: string): void;
  publish(name: string, value: number): void;
  emit(eventId: number, value: number): void;
}

const value = (v: number): SyscallResult => ({ kind: 'value', value: v | 0 });
const fault = (message: string): SyscallResult => ({ kind: 'fault', message });

/** The device side of every syscall; the engine only decodes the call. */
export class DeviceGuestHost implements GuestHost {
  constructor(
    private readonly hal: SimulatedHal,
    private readonly events: EventHandler,
    private readonly out: GuestOutputs,
    /** Milliseconds since the program started, on the device clock. */
    private readonly now: () => number,
  ) {}

  syscall({ number, args, memory }: SyscallRequest): SyscallResult {
    const [a0] = args;
    try {
      switch (number) {
        case SYSCALLS.exit:
          return { kind: 'exit', code: a0 | 0 };
        case SYSCALLS.print:
          this.out.print(memory.readCString(a0, MAX_PRINT_BYTES));
          return value(0);
        case SYSCALLS.printInt:
          this.out.print(String(a0 | 0));
          return value(0);
        case SYSCALLS.timeMs:
          return value(Math.floor(this.now()));
        case SYSCALLS.sleepMs:
          return { kind: 'yield', sleepMs: Math.max(0, a0 | 0), value: 0 };
        case SYSCALLS.yield:
          return { kind: 'yield', sleepMs: 0, value: 0 };
        default:
          return this.device(number, args, memory);
      }
    } catch (err) {
      return fault(`syscall ${number}: ${(err as Error).message}`);
    }
  }

  private device(
    number: number,
    [a0, a1, a2]: SyscallRequest['args'],
    memory: GuestMemoryView,
  ): SyscallResult {
    switch (number) {
      case SYSCALLS.halProbe:
        return value(this.hal.probe(a0));
      case SYSCALLS.halRead: {
        const reading = this.hal.read(a0, a1, this.now());
        return reading === null ? fault(`no sensor of type ${a0} at index ${a1}`) : value(reading);
      }
      case SYSCALLS.halWrite:
        return value(this.hal.write(a0, a1, a2) ? 0 : -1);
      case SYSCALLS.publish:
        this.out.publish(memory.readCString(a0, MAX_NAME_BYTES), a1 | 0);
        return value(0);
      case SYSCALLS.onRaw:
        return value(this.events.onRaw(a0 | 0, a1 >>> 0) ? 0 : -1);
      case SYSCALLS.onCondition:
        return value(this.registerCondition(memory, a0, a1) ? 0 : -1);
      case SYSCALLS.emit:
        this.out.emit(a0 | 0, a1 | 0);
        return value(0);
      default:
        return fault(`unknown syscall ${number}`);
    }
  }

  private registerCondition(memory: GuestMemoryView, address: number, handler: number): boolean {
    const raw = memory.readBytes(address, CONDITION_STRUCT_BYTES);
    const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
    const field = (i: number) => view.getInt32(i * 4, true);
    const op = CONDITION_OPS[field(2)];
    if (!op) return false;
    const condition = {
      sensorType: field(0),
      index: field(1),
      op,
      threshold: field(3),
      periodMs: field(4),
    };
    return this.events.onCondition(condition, handler >>> 0, this.now());
  }
}
