import type { FleetGroup, FleetSummary } from '../../src/protocol/api';
import { formatPercent, formatUsage, ratioOf } from '../format';
import { makeTable, printLine, printTable, type CliIo } from '../output';

function printGroups(io: CliIo, title: string, keyHead: string, groups: FleetGroup[]): void {
  printLine(io);
  printLine(io, title);
  if (groups.length === 0) {
    printLine(io, '  (none)');
    return;
  }
  const table = makeTable(io, [keyHead, 'Devices', 'Online', 'RAM', 'Flash', 'CPU'], [1, 2, 5]);
  for (const g of groups) {
    table.push([
      g.key,
      g.total,
      g.online,
      formatUsage(g.ramUsed, g.ramTotal),
      formatUsage(g.flashUsed, g.flashTotal),
      formatPercent(g.cpuLoad),
    ]);
  }
  printTable(io, table);
}

export function printFleetSummary(io: CliIo, summary: FleetSummary): void {
  const { total, online } = summary.devices;
  const share = formatPercent(ratioOf(online, total));
  printLine(io, `Devices: ${total} total, ${online} online (${share})`);
  printGroups(io, 'By VM', 'VM', summary.byVm);
  printGroups(io, 'By board', 'Board', summary.byBoard);
}
