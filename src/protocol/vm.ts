import { z } from 'zod';

/** VM kinds a device can run; the payload format of an app depends on it (DESIGN.md, Guest apps). */
export const VM_KINDS = [
  'mips1',
  'ebpf',
  'wasm',
  'wasm-fast',
  'lua',
  'micropython',
  'js',
  // Compiled tiers of the bytecode VMs (devices/engines/README.md, "Tiers"): the same images.
  'mips1-jit',
  'ebpf-jit',
  'wasm-aot',
] as const;
export const vmKindSchema = z.enum(VM_KINDS);
export type VmKind = z.infer<typeof vmKindSchema>;

/** The payload formats apps come in; several VM kinds run one format. */
export type ImageFormat = 'mips1' | 'ebpf' | 'wasm' | 'lua' | 'micropython' | 'js';

const IMAGE_FORMATS: Readonly<Record<VmKind, ImageFormat>> = {
  mips1: 'mips1',
  'mips1-jit': 'mips1',
  ebpf: 'ebpf',
  'ebpf-jit': 'ebpf',
  wasm: 'wasm',
  'wasm-fast': 'wasm',
  'wasm-aot': 'wasm',
  lua: 'lua',
  micropython: 'micropython',
  js: 'js',
};

/** The payload format a VM kind runs: a compiled tier runs its interpreter's images. */
export function imageFormatOf(vm: VmKind): ImageFormat {
  return IMAGE_FORMATS[vm];
}

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
