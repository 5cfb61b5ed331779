/** `0x`-prefixed unsigned hex, as fault messages and inspections print guest addresses. */
export function hex(value: number): string {
  return `0x${(value >>> 0).toString(16).padStart(8, '0')}`;
}
