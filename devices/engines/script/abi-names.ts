import {
  ACTUATOR_TYPES as ABI_ACTUATOR_TYPES,
  CONDITION_OPERATORS,
  idsOf,
  RAW_EVENTS as ABI_RAW_EVENTS,
  SENSOR_TYPES as ABI_SENSOR_TYPES,
} from '../../../src/protocol/guest-abi';

/**
 * The guest ABI's numbers (docs/guest-abi.md) under the names the script APIs use:
 * `hal.read("temperature")`, `hal.write("led", 0, 1)`, `events.on("button", fn)`.
 * Scripts may pass the numbers too.
 */
export const SENSOR_TYPES: Readonly<Record<string, number>> = idsOf(ABI_SENSOR_TYPES);

export const ACTUATOR_TYPES: Readonly<Record<string, number>> = idsOf(ABI_ACTUATOR_TYPES);

/** Raw event ids with a name; 100–199 are user events injected from the gateway. */
export const RAW_EVENTS: Readonly<Record<string, number>> = { button: ABI_RAW_EVENTS.button };

/** `eh_on_condition` op codes. */
export const CONDITION_OP_CODES: Readonly<Record<string, number>> = Object.fromEntries(
  CONDITION_OPERATORS.map((op, code) => [op.symbol, code]),
);

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
