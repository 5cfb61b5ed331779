import { REGISTER_NAMES } from '../../devices/engines/mips1/registers';
import type {
  Fault,
  LoadResult,
  MemoryResult,
  MonitorStatus,
  RegistersResult,
  StepResult,
} from '../../src/protocol/api';
import { formatBytes, formatCount, formatHex32, hexdump, NONE, plural, signed32 } from '../format';
import { makeTable, printLine, printRecord, printTable, type CliIo } from '../output';

/** "bad_address at pc 0x00400010 (address 0x00000000): load outside guest memory". */
export function describeFault(fault: Fault): string {
  const address =
    typeof fault.address === 'number' ? ` (address ${formatHex32(fault.address)})` : '';
  return `${fault.code} at pc ${formatHex32(fault.pc)}${address}: ${fault.message}`;
}

/**
 * How the last run ended. MONITOR.md leaves the shape open; the device runner's RunEnd is
 * {kind:'exited', code} | {kind:'fault', fault} | {kind:'stopped'}, and anything else is
 * shown as JSON rather than hidden.
 */
export function describeRunEnd(end: unknown): string {
  if (end === null || end === undefined) return NONE;
  const e = end as { kind?: unknown; code?: unknown; fault?: Fault };
  if (e.kind === 'exited' && typeof e.code === 'number') return `exited with ${e.code}`;
  if (e.kind === 'fault' && e.fault) return `fault ${describeFault(e.fault)}`;
  if (e.kind === 'stopped') return 'stopped';
  return JSON.stringify(end);
}

export function printMonitorStatus(io: CliIo, status: MonitorStatus): void {
  const app = status.app ? `${status.app.id} ${status.app.version}` : NONE;
  printRecord(io, [
    ['State', status.state],
    ['VM', status.vm],
    ['App', app],
    ['Phase', status.phase ?? NONE],
    ['PC', formatHex32(status.pc)],
    ['Instructions', formatCount(status.instructions)],
    ['Pending events', formatCount(status.pendingEvents)],
    ['Guest memory', formatBytes(status.guestMemoryBytes)],
    ['Guest memory peak', formatBytes(status.peakGuestBytes)],
    ['Last end', describeRunEnd(status.lastEnd)],
  ]);
}

export function describeLoad(deviceId: string, file: string, vm: string, r: LoadResult): string {
  const details = [
    vm,
    `image ${formatBytes(r.imageBytes)}`,
    `guest memory ${formatBytes(r.guestMemoryBytes)}`,
    `load ${r.loadTimeMs.toFixed(2)} ms`,
  ];
  return `Loaded ${file} into ${deviceId} (${details.join(', ')}); VM ${r.state}.`;
}

export function printStep(io: CliIo, deviceId: string, r: StepResult): void {
  printLine(
    io,
    `${deviceId}: executed ${plural(r.executed, 'instruction')} (${r.outcome}); ` +
      `pc ${formatHex32(r.pc)}, ${formatCount(r.instructions)} in total.`,
  );
  if (r.fault) printLine(io, `fault ${describeFault(r.fault)}`);
}

const FIRST_REGISTERS = [...REGISTER_NAMES, 'hi', 'lo', 'pc'];

/** MIPS order (r0..r31, hi, lo, pc), then any other registers in the order the device sent them. */
export function registerOrder(names: readonly string[]): string[] {
  const known = FIRST_REGISTERS.filter((name) => names.includes(name));
  return [...known, ...names.filter((name) => !FIRST_REGISTERS.includes(name))];
}

export function printRegisters(io: CliIo, r: RegistersResult): void {
  const registers: Record<string, number> = { pc: r.pc, ...r.registers };
  const table = makeTable(io, ['Register', 'Hex', 'Decimal'], [2]);
  for (const name of registerOrder(Object.keys(registers))) {
    const value = registers[name];
    table.push([name, formatHex32(value), String(signed32(value))]);
  }
  printLine(io, `${formatCount(r.instructions)} instructions executed; pc ${formatHex32(r.pc)}`);
  printTable(io, table);
}

export function printMemory(io: CliIo, r: MemoryResult): void {
  const lines = hexdump(r.address, Buffer.from(r.hex, 'hex'));
  if (lines.length === 0) return printLine(io, `no bytes at ${formatHex32(r.address)}`);
  for (const line of lines) printLine(io, line);
}

/** "Event button (value 0) queued on lab-01." or "… not queued …". */
export function describeInjection(
  deviceId: string,
  event: number | 'button',
  value: number,
  queued: boolean,
): string {
  const outcome = queued ? 'queued on' : 'not queued by';
  return `Event ${event} (value ${value}) ${outcome} ${deviceId}.`;
}
