/**
 * The guest ABI's numbers (docs/guest-abi.md) under the names the script APIs use:
 * `hal.read("temperature")`, `hal.write("led", 0, 1)`, `events.on("button", fn)`.
 * Scripts may pass the numbers too.
 */
export const SENSOR_TYPES: Readonly<Record<string, number>> = {
  temperature: 1,
  humidity: 2,
  light: 3,
  distance: 4,
  button: 5,
  accelerometer: 6,
};

export const ACTUATOR_TYPES: Readonly<Record<string, number>> = { led: 1, gpio: 2 };

/** Raw event ids with a name; 100–199 are user events injected from the gateway. */
export const RAW_EVENTS: Readonly<Record<string, number>> = { button: 1 };

/** `eh_on_condition` op codes. */
export const CONDITION_OP_CODES: Readonly<Record<string, number>> = {
  '<': 0,
  '<=': 1,
  '>': 2,
  '>=': 3,
};

/** A thrown message the script sees: a bad name is the script's error, not the device's. */
export class ScriptApiError extends Error {}

/** Resolves a name (or a number) through `table`; `what` names the argument in the error. */
export function abiNumber(
  table: Readonly<Record<string, number>>,
  value: unknown,
  what: string,
): number {
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  if (typeof value === 'string' && Object.hasOwn(table, value)) return table[value];
  const known = Object.keys(table).join(', ');
  throw new ScriptApiError(`unknown ${what} ${JSON.stringify(value)}; use one of: ${known}`);
}

/** An integer argument, truncated toward zero to 32 bits as the C ABI would. */
export function int32(value: unknown, what: string): number {
  if (typeof value === 'number' && Number.isFinite(value)) return Math.trunc(value) | 0;
  if (typeof value === 'boolean') return value ? 1 : 0;
  throw new ScriptApiError(`${what} must be a number, not ${JSON.stringify(value)}`);
}
