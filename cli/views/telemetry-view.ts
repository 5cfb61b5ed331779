import type { TelemetrySeries } from '../../src/protocol/api';
import {
  formatBytes,
  formatCount,
  formatDuration,
  formatPercent,
  formatTimestamp,
  formatUsage,
  ratioOf,
} from '../format';
import { makeTable, printLine, printTable, type CliIo } from '../output';

const HEAD = [
  'Time (UTC)',
  'RAM used',
  'RAM peak',
  'RAM total',
  'RAM %',
  'Flash',
  'CPU',
  'VM state',
  'Instructions',
];
const NUMERIC_COLUMNS = [1, 2, 3, 4, 6, 8];

export function printTelemetry(io: CliIo, series: TelemetrySeries): void {
  const range = `${formatTimestamp(series.from)} → ${formatTimestamp(series.to)}`;
  const step = formatDuration(series.stepMs);
  if (series.points.length === 0) {
    printLine(io, `No telemetry from ${series.deviceId} between ${range}.`);
    return;
  }
  printLine(io, `${series.deviceId}: ${range}, step ${step}, ${series.points.length} points`);
  const table = makeTable(io, HEAD, NUMERIC_COLUMNS);
  for (const p of series.points) {
    table.push([
      formatTimestamp(p.ts),
      formatBytes(p.ramUsed),
      formatBytes(p.ramPeak),
      formatBytes(p.ramTotal),
      formatPercent(ratioOf(p.ramUsed, p.ramTotal)),
      formatUsage(p.flashUsed, p.flashTotal),
      formatPercent(p.cpuLoad),
      p.vmState,
      formatCount(p.instructions),
    ]);
  }
  printTable(io, table);
}
