import { InvalidArgumentError } from 'commander';
import type { ZodType } from 'zod';
import { boardSchema, deviceIdSchema, MAX_MEMORY_READ, MAX_STEP, tagSchema } from '../src/protocol';

/**
 * Argument parsers for commander. Each throws InvalidArgumentError, which commander reports
 * as `error: option '--x <v>' argument 'y' is invalid. <reason>` and exit code 1.
 */

function bySchema<T>(schema: ZodType<T>, value: string): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw new InvalidArgumentError(result.error.issues[0]?.message ?? 'invalid value');
}

export function parseDeviceId(value: string): string {
  return bySchema(deviceIdSchema, value);
}

export function parseBoardName(value: string): string {
  return bySchema(boardSchema, value);
}

export function parseTag(value: string): string {
  return bySchema(tagSchema, value);
}

/** For variadic / repeatable `--tag <tag...>`: commander hands over the previous list. */
export function collectTag(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), parseTag(value)];
}

export function parsePositiveInt(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) < 1 || !Number.isSafeInteger(Number(value))) {
    throw new InvalidArgumentError('expected a whole number of at least 1');
  }
  return Number(value);
}

export function parsePositiveNumber(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n <= 0) {
    throw new InvalidArgumentError('expected a number greater than 0');
  }
  return n;
}

export function parseHttpUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new InvalidArgumentError('expected a URL such as http://127.0.0.1:3000');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new InvalidArgumentError('expected an http:// or https:// URL');
  }
  return value.replace(/\/+$/, '');
}

export function parseCoapUrl(value: string): string {
  const ok = /^coap:\/\/[^/]+/.test(value);
  if (!ok) throw new InvalidArgumentError('expected a URL such as coap://127.0.0.1:5683');
  return value;
}

export function parseMqttUrl(value: string): string {
  const ok = /^(mqtts?|wss?|tcp):\/\/[^/]+/.test(value);
  if (!ok) throw new InvalidArgumentError('expected a URL such as mqtt://127.0.0.1:1883');
  return value;
}

const RELATIVE_UNITS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/**
 * `--from` / `--to`: an ISO date or Unix ms go to the gateway as they are (the contract
 * accepts both); a relative age such as `15m`, `2h` or `7d` becomes Unix ms before `now`.
 */
export function parseTimeArg(value: string, now: number = Date.now()): string {
  const relative = /^(\d+)([smhd])$/.exec(value);
  if (relative) return String(now - Number(relative[1]) * RELATIVE_UNITS[relative[2]]);
  if (/^\d+$/.test(value)) return value;
  if (!Number.isNaN(Date.parse(value))) return value;
  throw new InvalidArgumentError(
    'expected an ISO date (2024-05-01T12:00:00Z), Unix ms, or an age such as 15m, 2h, 7d',
  );
}

/** `--step`: "10s", "5m", "1h" or a number of ms, as the telemetry endpoint takes it. */
export function parseStep(value: string): string {
  if (/^[1-9]\d*[smh]?$/.test(value)) return value;
  throw new InvalidArgumentError('expected a step such as 10s, 5m, 1h or a number of ms');
}

function parseIntIn(value: string, min: number, max: number, what: string): number {
  const n = /^-?\d+$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    throw new InvalidArgumentError(`expected ${what} from ${min} to ${max}`);
  }
  return n;
}

/** A guest address: `0x`-prefixed hex or decimal, 0..0xffffffff. */
export function parseAddress(value: string): number {
  const hex = /^0x([0-9a-f]{1,8})$/i.exec(value);
  const n = hex ? parseInt(hex[1], 16) : /^\d+$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(n) || n > 0xffff_ffff) {
    throw new InvalidArgumentError(
      'expected an address: 0x-prefixed hex or decimal, up to 32 bits',
    );
  }
  return n;
}

/** Bytes one `memory` read may return (MAX_MEMORY_READ in src/protocol/monitor.ts). */
export function parseMemoryLength(value: string): number {
  return parseIntIn(value, 1, MAX_MEMORY_READ, 'a byte count');
}

export function parseStepCount(value: string): number {
  return parseIntIn(value, 1, MAX_STEP, 'an instruction count');
}

/** Raw event 1 is the button; user events are 100..199; the wire takes any 16-bit number. */
export const BUTTON_EVENT = 1;

export function parseEventName(value: string): number | 'button' {
  if (value === 'button') return value;
  if (!/^\d+$/.test(value)) {
    throw new InvalidArgumentError("expected 'button' or an event number (user events: 100-199)");
  }
  return parseIntIn(value, 0, 0xffff, 'an event number');
}

/** The value an event carries: a signed 32-bit integer. */
export function parseEventValue(value: string): number {
  return parseIntIn(value, -(2 ** 31), 2 ** 31 - 1, 'a whole number');
}

/** How long the gateway waits for the device (MONITOR.md: 100..60000 ms). */
export function parseMonitorTimeout(value: string): number {
  return parseIntIn(value, 100, 60_000, 'milliseconds');
}

export function parseEventLimit(value: string): number {
  return parseIntIn(value, 1, 1000, 'a count');
}

/** `--app name@version`, e.g. `blinky@1.2.0`. */
export function parseAppRef(value: string): { id: string; version: string } {
  const at = value.lastIndexOf('@');
  const id = value.slice(0, Math.max(at, 0));
  const version = value.slice(at + 1);
  if (at <= 0 || id.length > 128 || version.length === 0 || version.length > 64) {
    throw new InvalidArgumentError('expected name@version, e.g. blinky@1.2.0');
  }
  return { id, version };
}

/** App names as the repository takes them (APPS.md): 1-64 chars of a-z 0-9 . _ -, starting a-z 0-9. */
export const APP_NAME_PATTERN = /^[a-z0-9][a-z0-9._-]{0,63}$/;
const APP_NAME_RULE = '1-64 chars of a-z 0-9 . _ -, starting with a letter or digit';

/** Semantic versions without build metadata (APPS.md: x.y.z[-pre]), e.g. 1.2.0 or 2.0.0-rc.1. */
export const APP_VERSION_PATTERN =
  /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?$/;
const APP_VERSION_RULE = 'a semantic version x.y.z or x.y.z-pre, e.g. 1.2.0 or 2.0.0-rc.1';

export function parseAppName(value: string): string {
  if (!APP_NAME_PATTERN.test(value)) throw new InvalidArgumentError(`expected ${APP_NAME_RULE}`);
  return value;
}

export function parseAppVersion(value: string): string {
  if (!APP_VERSION_PATTERN.test(value)) {
    throw new InvalidArgumentError(`expected ${APP_VERSION_RULE}`);
  }
  return value;
}

/** One app of the repository: `<name>@<version>`. */
export interface AppKey {
  name: string;
  version: string;
}

/** `blinky@1.2.0` → {name: 'blinky', version: '1.2.0'}; says which half is wrong when one is. */
export function parseAppKey(value: string): AppKey {
  const at = value.indexOf('@');
  if (at < 0) throw new InvalidArgumentError('expected <name>@<version>, e.g. blinky@1.2.0');
  const name = value.slice(0, at);
  const version = value.slice(at + 1);
  if (!APP_NAME_PATTERN.test(name)) {
    throw new InvalidArgumentError(`the name before @ must be ${APP_NAME_RULE}`);
  }
  if (!APP_VERSION_PATTERN.test(version)) {
    throw new InvalidArgumentError(`the version after @ must be ${APP_VERSION_RULE}`);
  }
  return { name, version };
}

const BYTE_UNITS: Record<string, number> = { '': 1, kib: 1024, mib: 1024 * 1024 };

/** `--ram` / `--flash`: bytes, optionally with a KiB or MiB suffix: 65536, 64KiB, 1MiB. */
export function parseByteSize(value: string): number {
  const match = /^(\d+)\s*(kib|mib)?$/i.exec(value);
  const n = match ? Number(match[1]) * BYTE_UNITS[(match[2] ?? '').toLowerCase()] : Number.NaN;
  if (!Number.isSafeInteger(n) || n < 1) {
    throw new InvalidArgumentError('expected a number of bytes of at least 1, e.g. 65536 or 64KiB');
  }
  return n;
}
