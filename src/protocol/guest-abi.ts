/**
 * The guest ABI v1 (docs/guest-abi.md): syscall numbers, sensor and actuator types, raw
 * event ids, condition operators, limits and the eBPF helper ids, in one table. The
 * engines, the HAL and the image validators read it here; `npm run gen:abi`
 * (firmware/tools/gen-abi.ts) writes the SDK headers `firmware/sdk/{mips1,ebpf,wasm}/vmfleet.h`
 * from it, and test/guest-abi.spec.ts fails when a checked-in header or the docs' syscall
 * table differs.
 */

/** How a syscall argument travels: every one is an i32 on the wire. */
export type AbiParamKind =
  | 'i32'
  /** A NUL-terminated string in guest memory. */
  | 'string'
  /** A guest function, called back by the Event Handler with one i32. */
  | 'handler'
  /** A `struct eh_condition` in guest memory. */
  | 'condition';

export interface AbiParam {
  readonly name: string;
  readonly kind: AbiParamKind;
  /** What the docs' table says of it. */
  readonly doc: string;
}

export interface AbiSyscall {
  readonly number: number;
  /** The C function of the SDKs and the wasm import name. */
  readonly c: string;
  readonly params: readonly AbiParam[];
  /** false: does not return (vm_exit). */
  readonly returns: boolean;
  /** What the call does, for the headers. */
  readonly summary: string;
  /** The docs' "result" column. */
  readonly result: string;
}

const i32 = (name: string, doc = name): AbiParam => ({ name, kind: 'i32', doc });
const string = (name: string, doc: string): AbiParam => ({ name, kind: 'string', doc });
const handler: AbiParam = { name: 'handler', kind: 'handler', doc: 'handler address' };

/** Limits the host enforces on syscall arguments. */
export const ABI_LIMITS = {
  /** vm_print's string, NUL excluded. */
  printMaxBytes: 1024,
  /** vm_publish's name, NUL excluded. */
  publishNameMaxBytes: 32,
} as const;

/** The syscalls by their TypeScript names. */
export const ABI_SYSCALLS = {
  exit: {
    number: 1,
    c: 'vm_exit',
    params: [i32('code')],
    returns: false,
    summary: 'Ends the program with `code`; does not return.',
    result: 'does not return',
  },
  print: {
    number: 2,
    c: 'vm_print',
    params: [string('s', `ptr to NUL-terminated string (≤ ${ABI_LIMITS.printMaxBytes} bytes)`)],
    returns: true,
    summary: 'Prints a NUL-terminated string of at most VM_PRINT_MAX_BYTES; no newline is added.',
    result: '0',
  },
  printInt: {
    number: 3,
    c: 'vm_print_int',
    params: [i32('v', 'signed 32-bit value (printed in decimal)')],
    returns: true,
    summary: 'Prints a signed 32-bit value in decimal.',
    result: '0',
  },
  timeMs: {
    number: 4,
    c: 'vm_time_ms',
    params: [],
    returns: true,
    summary: 'Milliseconds since the program started, on the device clock.',
    result: 'milliseconds since the program started (device clock)',
  },
  sleepMs: {
    number: 5,
    c: 'vm_sleep_ms',
    params: [i32('ms')],
    returns: true,
    summary: 'Gives the CPU back for at least ms milliseconds.',
    result: '0, after at least ms (the VM yields the CPU)',
  },
  yield: {
    number: 6,
    c: 'vm_yield',
    params: [],
    returns: true,
    summary: 'Gives the CPU back; the program continues at the next slice.',
    result: '0',
  },
  halProbe: {
    number: 10,
    c: 'hal_probe',
    params: [i32('sensor_type', 'sensor type')],
    returns: true,
    summary: 'Number of sensors of a type (0 if none).',
    result: 'number of sensors of that type (0 if none)',
  },
  halRead: {
    number: 11,
    c: 'hal_read',
    params: [i32('sensor_type', 'sensor type'), i32('index')],
    returns: true,
    summary: 'A sensor reading in milli-units.',
    result: 'value in milli-units (m°C, m%RH, lux·1000, mm, 0/1000 button, mg)',
  },
  halWrite: {
    number: 12,
    c: 'hal_write',
    params: [i32('actuator_type', 'actuator type'), i32('index'), i32('value')],
    returns: true,
    summary: 'Sets an actuator; 0, or -1 if there is no such actuator.',
    result: '0, or -1 if there is no such actuator',
  },
  publish: {
    number: 20,
    c: 'vm_publish',
    params: [
      string('name', `ptr to name (≤ ${ABI_LIMITS.publishNameMaxBytes} bytes)`),
      i32('value'),
    ],
    returns: true,
    summary: 'Sends {name, value} to the gateway; name is at most VM_PUBLISH_NAME_MAX_BYTES.',
    result: '0: sends `{name, value}` to the gateway',
  },
  onRaw: {
    number: 30,
    c: 'eh_on_raw',
    params: [i32('event_id', 'event id'), handler],
    returns: true,
    summary: 'Calls handler(value) for each raw event `event_id`; 0, or -1 if the table is full.',
    result: '0, or -1 if the table is full',
  },
  onCondition: {
    number: 31,
    c: 'eh_on_condition',
    params: [{ name: 'condition', kind: 'condition', doc: 'ptr to condition struct' }, handler],
    returns: true,
    summary: 'Calls handler(reading) whenever the condition holds; 0, or -1 if the table is full.',
    result: '0, or -1',
  },
  emit: {
    number: 32,
    c: 'eh_emit',
    params: [i32('event_id', 'event id'), i32('value')],
    returns: true,
    summary: 'Sends event {event_id, value} up to the gateway.',
    result: '0: an event goes up to the gateway',
  },
} as const satisfies Record<string, AbiSyscall>;

export type AbiSyscallName = keyof typeof ABI_SYSCALLS;

/** Syscall numbers by name: `SYSCALL_NUMBERS.print === 2`. */
export const SYSCALL_NUMBERS = Object.fromEntries(
  Object.entries(ABI_SYSCALLS).map(([name, call]) => [name, call.number]),
) as { readonly [K in AbiSyscallName]: (typeof ABI_SYSCALLS)[K]['number'] };

/** The syscalls in number order. */
export const SYSCALL_LIST: readonly AbiSyscall[] = Object.values<AbiSyscall>(ABI_SYSCALLS).sort(
  (a, b) => a.number - b.number,
);

export interface AbiConstant {
  readonly id: number;
  /** The unit a reading is in, for the headers. */
  readonly unit?: string;
}

/** Sensor types of hal_probe / hal_read; readings are milli-units. */
export const SENSOR_TYPES = {
  temperature: { id: 1, unit: 'm°C' },
  humidity: { id: 2, unit: 'm%RH' },
  light: { id: 3, unit: 'lux * 1000' },
  distance: { id: 4, unit: 'mm' },
  button: { id: 5, unit: '0 or 1000' },
  accelerometer: { id: 6, unit: 'mg; index 0 x, 1 y, 2 z' },
} as const satisfies Record<string, AbiConstant>;
export type SensorTypeName = keyof typeof SENSOR_TYPES;

/** Actuator types of hal_write. */
export const ACTUATOR_TYPES = {
  led: { id: 1 },
  gpio: { id: 2 },
} as const satisfies Record<string, AbiConstant>;
export type ActuatorTypeName = keyof typeof ACTUATOR_TYPES;

/** Raw event ids of eh_on_raw: the button, and 100..199 injected from the gateway. */
export const RAW_EVENTS = { button: 1, userFirst: 100, userLast: 199 } as const;

/** eh_on_condition's operators, by their code. */
export const CONDITION_OPERATORS = [
  { symbol: '<', c: 'LT' },
  { symbol: '<=', c: 'LE' },
  { symbol: '>', c: 'GT' },
  { symbol: '>=', c: 'GE' },
] as const;

/** The fields of `struct eh_condition`, each an int32_t, in order. */
export const CONDITION_FIELDS = ['sensor_type', 'index', 'op', 'threshold', 'period_ms'] as const;
export const CONDITION_STRUCT_BYTES = CONDITION_FIELDS.length * 4;

/**
 * Helper ids an ebpf guest calls besides the ABI: Femto-Container's numbering (RIOT
 * sys/include/bpf/shared.h: printf 0x01, key/value store 0x10-0x13, now_ms 0x20, SAUL
 * 0x30-0x33; GPIO 0x70-0x72 as RIOT's later bpfapi/helpers.h).
 */
export const FEMTO_HELPERS = {
  printf: { id: 0x01, c: 'PRINTF' },
  storeLocal: { id: 0x10, c: 'STORE_LOCAL' },
  storeGlobal: { id: 0x11, c: 'STORE_GLOBAL' },
  fetchLocal: { id: 0x12, c: 'FETCH_LOCAL' },
  fetchGlobal: { id: 0x13, c: 'FETCH_GLOBAL' },
  nowMs: { id: 0x20, c: 'NOW_MS' },
  saulFindNth: { id: 0x30, c: 'SAUL_REG_FIND_NTH' },
  saulFindType: { id: 0x31, c: 'SAUL_REG_FIND_TYPE' },
  saulRead: { id: 0x32, c: 'SAUL_REG_READ' },
  saulWrite: { id: 0x33, c: 'SAUL_REG_WRITE' },
  gpioRead: { id: 0x70, c: 'GPIO_READ' },
  gpioWrite: { id: 0x71, c: 'GPIO_WRITE' },
  gpioToggle: { id: 0x72, c: 'GPIO_TOGGLE' },
} as const;

/** An ebpf guest calls syscall n as helper ABI_HELPER_BASE + n. */
export const ABI_HELPER_BASE = 0x100;

/** `{name: id}` of a table of constants (SENSOR_TYPES, ACTUATOR_TYPES, FEMTO_HELPERS). */
export function idsOf<K extends string>(
  table: Readonly<Record<K, { readonly id: number }>>,
): { readonly [P in K]: number } {
  return Object.fromEntries(
    Object.entries<{ id: number }>(table).map(([name, entry]) => [name, entry.id]),
  ) as { [P in K]: number };
}

/** The C name of a constant: `temperature` → `TEMPERATURE`, `storeLocal` → `STORE_LOCAL`. */
export function cName(name: string): string {
  return name.replace(/([a-z])([A-Z])/g, '$1_$2').toUpperCase();
}
