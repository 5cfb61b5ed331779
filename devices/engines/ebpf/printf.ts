import type { EbpfMemory } from './memory';

/** Longest format string read from the guest (the ABI's print limit). */
const MAX_FORMAT_BYTES = 1024;

/**
 * bpf_printf (Femto-Container helper 0x01): printf with at most 4 value arguments (r2..r5;
 * eBPF passes 5 arguments in registers). Conversions: %d %i %u %x %X %c %s %p %%, with an
 * optional l/ll length (64-bit value), optional '-', '0' and width. Arguments are the
 * registers' 64-bit values (hi, lo pairs); without l/ll only the low 32 bits count.
 */
export function formatPrintf(
  memory: EbpfMemory,
  format: number,
  args: ReadonlyArray<readonly [number, number]>,
): string {
  const fmt = memory.readCString(format, MAX_FORMAT_BYTES);
  let next = 0;
  const arg = () => args[next++] ?? [0, 0];
  return fmt.replace(
    /%([-0]?)(\d*)(l{0,2})([diuxXcsp%])/g,
    (_all, flag: string, width: string, length: string, conv: string) => {
      if (conv === '%') return '%';
      const [lo, hi] = arg();
      const text = convert(memory, conv, lo, length ? hi : undefined);
      const w = Number(width || 0);
      if (text.length >= w) return text;
      if (flag === '-') return text.padEnd(w);
      return flag === '0' && conv !== 's' && conv !== 'c' ? zeroPad(text, w) : text.padStart(w);
    },
  );
}

function zeroPad(text: string, width: number): string {
  return text.startsWith('-')
    ? `-${text.slice(1).padStart(width - 1, '0')}`
    : text.padStart(width, '0');
}

function convert(memory: EbpfMemory, conv: string, lo: number, hi: number | undefined): string {
  const wide = hi !== undefined;
  const signed = wide ? BigInt.asIntN(64, (BigInt(hi) << 32n) | BigInt(lo >>> 0)) : BigInt(lo | 0);
  const unsigned = wide ? BigInt.asUintN(64, signed) : BigInt(lo >>> 0);
  switch (conv) {
    case 'd':
    case 'i':
      return signed.toString();
    case 'u':
      return unsigned.toString();
    case 'x':
    case 'p':
      return unsigned.toString(16);
    case 'X':
      return unsigned.toString(16).toUpperCase();
    case 'c':
      return String.fromCharCode(lo & 0xff);
    default: // 's'
      return memory.readCString(lo, MAX_FORMAT_BYTES);
  }
}
