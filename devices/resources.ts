import type { TelemetryMessage, VmState } from '../src/protocol';
import type { BoardProfile } from './boards';
import type { Random } from './prng';

/** CPU load of an idle RIOT device: the idle thread plus network housekeeping. */
export const IDLE_CPU_LOAD = { min: 0.01, max: 0.05 } as const;

/** Everything an idle sample depends on; the function below adds nothing of its own. */
export interface IdleSampleInput {
  board: BoardProfile;
  /** Milliseconds since boot, from a monotonic clock (wall-clock steps must not move it). */
  uptimeMs: number;
  /** Highest RAM use reported so far (0 before the first sample). */
  previousPeakBytes: number;
  random: Random;
}

/**
 * Bytes the idle device uses on top of its OS baseline: thread stacks and network
 * buffers breathe a little between samples. Less than 1/64 of the baseline (under 19
 * bytes on an atmega328, 448 on an nRF52840), and never past the board's RAM.
 */
export function idleRamJitterBytes(board: BoardProfile, random: Random): number {
  const span = Math.max(1, Math.floor(board.osRamBytes / 64));
  const free = Math.max(0, board.ramBytes - board.osRamBytes);
  return Math.min(free, Math.floor(random() * span));
}

export function idleCpuLoad(random: Random): number {
  const load = IDLE_CPU_LOAD.min + random() * (IDLE_CPU_LOAD.max - IDLE_CPU_LOAD.min);
  return Math.round(load * 10_000) / 10_000;
}

/** One telemetry sample of a device with no app loaded; see telemetrySchema. */
export function sampleIdleTelemetry(input: IdleSampleInput): TelemetryMessage {
  const { board, random } = input;
  const ramUsed = board.osRamBytes + idleRamJitterBytes(board, random);
  return {
    uptimeMs: Math.max(0, Math.floor(input.uptimeMs)),
    ram: {
      used: ramUsed,
      peak: Math.min(board.ramBytes, Math.max(input.previousPeakBytes, ramUsed)),
      total: board.ramBytes,
    },
    flash: { used: board.osFlashBytes, total: board.flashBytes },
    cpu: idleCpuLoad(random),
    vm: { state: 'idle', instructions: 0 },
    app: null,
  };
}

/** What the Thing Monitor says about the VM for a sample (ThingMonitor.telemetryState()). */
export interface VmSample {
  state: VmState;
  instructions: number;
  app: TelemetryMessage['app'];
  /** Guest memory the engine holds: RAM used on top of the OS (0 with no app). */
  guestBytes: number;
}

/**
 * One telemetry sample of a device whose VM may hold an app: the idle sample plus the
 * guest's memory, capped at the board's RAM (the engine never gets more than is free).
 */
export function sampleTelemetry(input: IdleSampleInput, vm: VmSample): TelemetryMessage {
  const idle = sampleIdleTelemetry(input);
  const total = input.board.ramBytes;
  const used = Math.min(total, idle.ram.used + Math.max(0, vm.guestBytes));
  return {
    ...idle,
    ram: { used, peak: Math.min(total, Math.max(input.previousPeakBytes, used)), total },
    vm: { state: vm.state, instructions: Math.max(0, Math.floor(vm.instructions)) },
    app: vm.app ?? null,
  };
}

/** Milliseconds from a monotonic source; performance.now() does not follow wall-clock steps. */
export type MonotonicClock = () => number;

export const monotonicNow: MonotonicClock = () => performance.now();
