import type { Deployment, DeploymentDetail } from '../../src/protocol/api';
import { formatBytes, formatTimestamp } from '../format';
import { makeTable, printRecord, printTable, type CliIo } from '../output';
import { appRef } from './app-views';

/** States in the order a device goes through them; the final ones last. */
export const STATE_ORDER = [
  'pending',
  'offered',
  'transferring',
  'verifying',
  'installed',
  'running',
  'healthy',
  'failed',
  'rolled-back',
  'skipped',
  'cancelled',
] as const;

const FINAL_STATES = new Set(['healthy', 'failed', 'rolled-back', 'skipped', 'cancelled']);

/** "12 healthy, 2 rolled-back": the non-zero counts in state order. */
export function describeCounts(counts: Record<string, number>): string {
  const parts = STATE_ORDER.filter((s) => (counts[s] ?? 0) > 0).map((s) => `${counts[s]} ${s}`);
  return parts.join(', ') || 'no devices';
}

export function finishedDevices(d: Deployment): number {
  return STATE_ORDER.filter((s) => FINAL_STATES.has(s)).reduce((n, s) => n + (d.counts[s] ?? 0), 0);
}

/** "canary 2", "waves 10/50/100%", "all at once". */
export function describeStrategy(strategy: Deployment['strategy']): string {
  const s = strategy as { kind: string; count?: number; percents?: number[] };
  if (s.kind === 'canary') return `canary ${s.count}, then the rest`;
  if (s.kind === 'waves') return `waves ${(s.percents ?? []).join('/')}%`;
  return 'all at once';
}

export function printDeploymentTable(io: CliIo, items: readonly Deployment[]): void {
  const table = makeTable(
    io,
    ['Id', 'App', 'Status', 'Wave', 'Devices', 'States', 'Created (UTC)'],
    [0, 4],
  );
  for (const d of items) {
    table.push([
      String(d.id),
      appRef(d.app),
      d.status,
      `${d.currentWave + 1}/${d.waveCount}`,
      String(d.devices),
      describeCounts(d.counts),
      formatTimestamp(d.createdAt),
    ]);
  }
  printTable(io, table);
}

export function printDeploymentRecord(io: CliIo, d: DeploymentDetail): void {
  printRecord(io, [
    ['Deployment', String(d.id)],
    ['App', `${appRef(d.app)} (${d.app.vm})`],
    ['Status', d.reason ? `${d.status}: ${d.reason}` : d.status],
    ['Strategy', describeStrategy(d.strategy)],
    ['Wave', `${d.currentWave + 1} of ${d.waveCount}`],
    ['Failure threshold', `${d.failureThreshold}%`],
    ['Health window', `${d.healthWindowMs} ms`],
    ['Devices', `${d.devices}: ${describeCounts(d.counts)}`],
    ['Created', formatTimestamp(d.createdAt)],
    ['Finished', d.finishedAt ? formatTimestamp(d.finishedAt) : '-'],
  ]);
  if (d.targets.length === 0) return;
  io.stdout('\n');
  const table = makeTable(io, ['Device', 'Wave', 'State', 'Sent', 'Since (UTC)', 'Why'], [1, 3]);
  for (const t of d.targets) {
    const why = [t.code, t.reason].filter(Boolean).join(': ');
    table.push([
      t.deviceId,
      String(t.wave + 1),
      t.state,
      formatBytes(t.bytesSent),
      formatTimestamp(t.updatedAt),
      why || '-',
    ]);
  }
  printTable(io, table);
}
