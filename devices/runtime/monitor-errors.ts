import type { VmState } from '../../src/protocol';
import { NotSupportedError } from '../engines/engine';

/** Error codes a device answers a Thing Monitor command with (docs/protocol.md §9). */
export type MonitorErrorCode =
  | 'no_app' // nothing loaded
  | 'bad_state' // op not allowed in the current state; the message says why
  | 'vm_mismatch' // load.vm is not the device's VM kind
  | 'image_rejected' // the engine refused the image; the message is its reason
  | 'unsupported' // no engine for that VM kind (on this board) yet, or the engine cannot do the op
  | 'bad_address' // memory read outside guest memory
  | 'internal'; // a bug in the device, reported instead of thrown

/** A command the device refuses, with the stable code the gateway maps to HTTP 422. */
export class MonitorError extends Error {
  constructor(
    readonly code: MonitorErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** The reply schema caps messages at 1024 characters. */
const MAX_MESSAGE = 1024;

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Any thrown value as a reply error: MonitorErrors keep their code, an engine's
 * NotSupportedError (step on QuickJS, memory of a script VM) is unsupported, anything
 * else is internal.
 */
export function toReplyError(error: unknown): { code: MonitorErrorCode; message: string } {
  const code =
    error instanceof MonitorError
      ? error.code
      : error instanceof NotSupportedError
        ? 'unsupported'
        : 'internal';
  return { code, message: errorMessage(error).slice(0, MAX_MESSAGE) };
}

export const noApp = () => new MonitorError('no_app', 'no app is loaded; load an image first');

type MonitorOp = 'start' | 'stop' | 'pause' | 'resume' | 'step' | 'load';

/** Why `op` is not allowed in `state`, and what to do instead. */
export function badState(op: MonitorOp, state: VmState): MonitorError {
  return new MonitorError('bad_state', `cannot ${op}: ${why(op, state)}`);
}

function why(op: MonitorOp, state: VmState): string {
  switch (state) {
    case 'idle':
      return 'no app is loaded; load an image first';
    case 'loaded':
      return 'the program has not been started; start or step it';
    case 'running':
      if (op === 'start' || op === 'resume') return 'the program is already running';
      if (op === 'load') return 'the program is running; stop it before loading another';
      return 'the program is running; pause it first';
    case 'paused':
      if (op === 'pause') return 'the program is already paused';
      if (op === 'load') return 'the program is paused; stop it before loading another';
      return 'the program is paused; resume it (or step it)';
    case 'stopped':
    case 'faulted':
      return `the program has ${state === 'stopped' ? 'stopped' : 'faulted'}; reset or load it first`;
  }
}
