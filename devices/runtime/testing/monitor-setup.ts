import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  type BenchResult,
  Command,
  commandSchema,
  EventMessage,
  replySchema,
  VmKind,
} from '../../../src/protocol';
import { BOARDS } from '../../boards';
import { asm, li, R } from '../../engines/mips1/testing/asm';
import { testImage } from '../../engines/mips1/testing/harness';
import { guestMemoryBytes } from '../local-run';
import type {
  InjectResult,
  LoadResult,
  MemoryResult,
  MonitorStatus,
  RegistersResult,
  StateResult,
  StepResult,
} from '../monitor-types';
import { ThingMonitor, ThingMonitorOptions } from '../thing-monitor';

/** Helpers for Thing Monitor specs: real firmware images, tiny hand-made ones, a driver. */
const FIRMWARE = join(__dirname, '../../../firmware');

export const firmware = (name: string) =>
  new Uint8Array(readFileSync(join(FIRMWARE, 'build/mips1', `${name}.m1`)));
export const expectedOutput = (name: string) =>
  readFileSync(join(FIRMWARE, 'expected', `${name}.txt`), 'utf8');

export const board = BOARDS.nrf52840;
export const GUEST_BYTES = guestMemoryBytes(board);

/** `b .` forever: a program that only a stop, a pause or a budget ends. */
export const spin = testImage({ text: [asm.beq(R.zero, R.zero, -1), asm.nop()] });
/** Stores to address 0, in the unmapped page below the program. */
export const nullStore = testImage({ text: [asm.sw(R.zero, 0, R.zero), asm.nop()] });
/** vm_exit(7) */
export const exit7 = testImage({
  text: [...li(R.v0, 1), ...li(R.a0, 7), asm.syscall(), asm.nop()],
});

export type Op = Command['op'];

/** What each op answers with (docs/protocol.md §9.3, results). */
interface Results {
  status: MonitorStatus;
  load: LoadResult;
  start: StateResult;
  stop: StateResult;
  pause: StateResult;
  resume: StateResult;
  reset: StateResult;
  step: StepResult;
  registers: RegistersResult;
  memory: MemoryResult;
  inject: InjectResult;
  bench: BenchResult;
}

const monitors: ThingMonitor[] = [];

/** Stops every monitor setup() made; call it in afterEach so no runner outlives its test. */
export function shutdownMonitors(): void {
  for (const tm of monitors.splice(0)) tm.shutdown();
}

/** A monitor on an nRF52840 running mips1, recording its events and output. */
export function setup(options: Partial<ThingMonitorOptions> = {}) {
  const events: EventMessage[] = [];
  const printed: string[] = [];
  const tm = new ThingMonitor({
    board,
    vm: 'mips1',
    onEvent: (event) => events.push(event),
    onPrint: (text) => printed.push(text),
    ...options,
  });
  monitors.push(tm);
  let seq = 0;
  /** Sends a command as the wire delivers it (parsed by the protocol schema). */
  const send = async (op: Op, args?: Record<string, unknown>) => {
    const id = `cmd-${++seq}`;
    const reply = await tm.handle(commandSchema.parse({ id, op, args }));
    expect(replySchema.parse(reply)).toEqual(reply);
    expect(reply.id).toBe(id);
    return reply;
  };
  const ok = async <O extends Op>(op: O, args?: Record<string, unknown>): Promise<Results[O]> => {
    const reply = await send(op, args);
    if (!reply.ok) throw new Error(`${op}: ${reply.error.code}: ${reply.error.message}`);
    return reply.result as Results[O];
  };
  const fail = async (op: Op, args?: Record<string, unknown>) => {
    const reply = await send(op, args);
    if (reply.ok) throw new Error(`${op} succeeded: ${JSON.stringify(reply.result)}`);
    return reply.error;
  };
  const load = (image: Uint8Array, vm: VmKind = 'mips1', app?: object) =>
    ok('load', { vm, image, app });
  const vmEvents = () => events.filter((e) => e.kind === 'vm');
  const publishes = () => events.filter((e) => e.kind === 'publish');
  return { tm, events, printed, send, ok, fail, load, vmEvents, publishes };
}

export { waitFor } from '../../testing/wait-for';

/** True once a run has ended (a vm event stopped or faulted). */
export const ended = (events: EventMessage[]) => () =>
  events.some((e) => e.kind === 'vm' && (e.state === 'stopped' || e.state === 'faulted'));
