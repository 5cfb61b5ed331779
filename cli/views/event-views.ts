import type { DeviceEvent } from '../../src/protocol/api';
import { formatTimestampMs, NONE } from '../format';
import { makeTable, printLine, printTable, type CliIo } from '../output';
import { describeFault } from './monitor-views';

function valueOf(value: number | null | undefined): string {
  return typeof value === 'number' ? String(value) : NONE;
}

/** publish: "temp=23"; emit: "101=5"; vm: "exited (exit 0)" or "faulted: bad_address at …". */
export function eventDetail(event: DeviceEvent): string {
  switch (event.kind) {
    case 'publish':
      return `${event.name ?? NONE}=${valueOf(event.value)}`;
    case 'emit':
      return `${valueOf(event.event)}=${valueOf(event.value)}`;
    case 'vm': {
      const state = event.state ?? NONE;
      if (event.fault) return `${state}: ${describeFault(event.fault)}`;
      if (typeof event.exitCode === 'number') return `${state} (exit ${event.exitCode})`;
      return state;
    }
    default:
      return JSON.stringify(event);
  }
}

export function printEventTable(io: CliIo, events: readonly DeviceEvent[]): void {
  const table = makeTable(io, ['Time (UTC)', 'Kind', 'Detail']);
  for (const e of events) table.push([formatTimestampMs(e.ts), e.kind, eventDetail(e)]);
  printTable(io, table);
}

/** One event as `--follow` prints it: a line, or a JSON line with --json. */
export function printEventLine(io: CliIo, event: DeviceEvent, json: boolean): void {
  if (json) return printLine(io, JSON.stringify(event));
  printLine(io, `${formatTimestampMs(event.ts)}  ${event.kind.padEnd(7)}  ${eventDetail(event)}`);
}
