import { z } from 'zod';

/** VM kinds a device can run; the payload format of an app depends on it (DESIGN.md, Guest apps). */
export const VM_KINDS = ['mips1', 'ebpf', 'wasm', 'wasm-fast', 'lua', 'micropython', 'js'] as const;
export const vmKindSchema = z.enum(VM_KINDS);
export type VmKind = z.infer<typeof vmKindSchema>;

/** States a device reports for its VM. `idle`: no app loaded. */
export const VM_STATES = ['idle', 'loaded', 'running', 'paused', 'stopped', 'faulted'] as const;
export const vmStateSchema = z.enum(VM_STATES);
export type VmState = z.infer<typeof vmStateSchema>;

/**
 * Device ids double as MQTT client ids and topic levels, so they exclude the MQTT
 * wildcards and separators ([MQTT-4.7.1]) and stay short enough for small devices.
 */
export const DEVICE_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
export const deviceIdSchema = z
  .string()
  .regex(DEVICE_ID_PATTERN, '1-64 chars of A-Z a-z 0-9 _ . -, starting alphanumeric');

export const BOARD_PATTERN = /^[a-z0-9][a-z0-9_-]{0,31}$/;
export const boardSchema = z
  .string()
  .regex(BOARD_PATTERN, '1-32 chars of a-z 0-9 _ -, e.g. nrf52840');

export const tagSchema = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.:=-]{0,63}$/, '1-64 chars of A-Z a-z 0-9 _ . : = -');
