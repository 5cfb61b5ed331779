import { idsOf, SENSOR_TYPES as ABI_SENSOR_TYPES } from '../../../src/protocol/guest-abi';
import { ABI_SYSCALLS } from '../../../src/protocol/images/rbf/helpers';
import type { HelperContext } from './helper-calls';

/**
 * RIOT SAUL over the vmfleet HAL (Femto-Container helpers 0x30..0x33). A device handle is
 * (type << 8 | index) + 1, 0 meaning "none": find_* look sensors up with hal_probe,
 * read fills a phydat_t from hal_read, write sets the actuator of that type and index
 * with hal_write (types as in docs/guest-abi.md).
 */
const SENSOR_TYPES = Object.values(idsOf(ABI_SENSOR_TYPES));
/** sizeof(phydat_t): int16 val[3], int8 unit, int8 scale (RIOT sys/include/phydat.h). */
const PHYDAT_BYTES = 8;

const handle = (type: number, index: number) => ((type << 8) | index) + 1;

export function saulFindType(c: HelperContext, type: number): number {
  return c.syscall(ABI_SYSCALLS.halProbe, [type]) > 0 ? handle(type, 0) : 0;
}

export function saulFindNth(c: HelperContext, position: number): number {
  let left = position;
  for (const type of SENSOR_TYPES) {
    const count = c.syscall(ABI_SYSCALLS.halProbe, [type]);
    if (left < count) return handle(type, left);
    left -= Math.max(count, 0);
  }
  return 0;
}

/** Reads the sensor into *data: val[0] with a decimal scale so it fits int16; returns 1 (one value). */
export function saulRead(c: HelperContext, device: number, data: number): number {
  if (device === 0) return -1;
  const key = (device - 1) >>> 0;
  let value = c.syscall(ABI_SYSCALLS.halRead, [key >>> 8, key & 0xff]);
  let scale = -3; // milli-units
  while (value > 32767 || value < -32768) {
    value = Math.trunc(value / 10);
    scale++;
  }
  const out = new Uint8Array(PHYDAT_BYTES);
  const view = new DataView(out.buffer);
  view.setInt16(0, value, true);
  view.setInt8(7, scale);
  c.memory.writeBytes(data, out);
  return 1;
}

/** Writes val[0] × 10^scale to the actuator; 0, or -1 if there is none. */
export function saulWrite(c: HelperContext, device: number, data: number): number {
  if (device === 0) return -1;
  const key = (device - 1) >>> 0;
  const bytes = c.memory.readBytes(data, PHYDAT_BYTES);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const value = Math.round(view.getInt16(0, true) * 10 ** view.getInt8(7));
  return c.syscall(ABI_SYSCALLS.halWrite, [key >>> 8, key & 0xff, value]);
}
