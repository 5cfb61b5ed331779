import type { Campaign } from '../../src/protocol/api';
import { RUN_STATUSES } from '../api-benchmarks';
import { DEFAULT_BUILD_PROFILE } from '../../src/protocol/bench-catalog';
import { formatTimestamp, NONE, plural } from '../format';
import { makeTable, printRecord, printTable, type CliIo } from '../output';

/** "8 ok, 2 skipped": the non-zero run counts in status order. */
export function describeRunCounts(counts: Record<string, number>): string {
  const known: readonly string[] = RUN_STATUSES;
  const others = Object.keys(counts).filter((s) => !known.includes(s));
  const parts = [...RUN_STATUSES, ...others]
    .filter((s) => (counts[s] ?? 0) > 0)
    .map((s) => `${counts[s]} ${s}`);
  return parts.join(', ') || 'no runs yet';
}

/** Runs that count against a campaign: a wrong result or a run that did not finish. */
export function badRuns(c: Campaign): number {
  return (c.counts.failed ?? 0) + (c.counts.invalid ?? 0);
}

/** The VMs the campaign measures, as the gateway plans them: each device's own, plus native. */
export function campaignVms(c: Campaign): string[] {
  const vms = new Set<string>();
  for (const device of c.devices) {
    vms.add(device.vm);
    if (c.native) vms.add('native');
  }
  const wanted = c.vms;
  return [...vms].filter((vm) => wanted === null || wanted.includes(vm));
}

export function describeTarget(target: Campaign['target']): string {
  const { tag, devices } = target as { tag?: string; devices?: string[] };
  return tag === undefined ? (devices ?? []).join(', ') : `devices tagged ${tag}`;
}

function describeStatus(c: Campaign): string {
  return c.reason && c.reason !== c.status ? `${c.status}: ${c.reason}` : c.status;
}

/** "Campaign 3 (nightly): 13 programs × 2 devices, 130 runs planned." */
export function describeCreated(c: Campaign): string {
  const name = c.name ? ` (${c.name})` : '';
  const scope = `${plural(c.programs.length, 'program')} on ${campaignVms(c).join(', ')}`;
  const devices = plural(c.devices.length, 'device');
  return `Campaign ${c.id}${name}: ${scope}, ${devices}, ${plural(c.plannedRuns, 'run')} planned.`;
}

export function printCampaignTable(io: CliIo, items: readonly Campaign[]): void {
  const table = makeTable(
    io,
    ['Id', 'Name', 'Status', 'Programs', 'VMs', 'Devices', 'Runs', 'Results', 'Created (UTC)'],
    [0, 3, 5],
  );
  for (const c of items) {
    table.push([
      String(c.id),
      c.name ?? NONE,
      c.status,
      String(c.programs.length),
      campaignVms(c).join(', '),
      String(c.devices.length),
      `${c.recordedRuns}/${c.plannedRuns}`,
      describeRunCounts(c.counts),
      formatTimestamp(c.createdAt),
    ]);
  }
  printTable(io, table);
}

export function printCampaignRecord(io: CliIo, c: Campaign): void {
  printRecord(io, [
    ['Campaign', String(c.id)],
    ['Name', c.name ?? NONE],
    ['Status', describeStatus(c)],
    ['Programs', `${c.programs.length}: ${c.programs.join(', ')}`],
    ['VMs', campaignVms(c).join(', ') || NONE],
    ['Target', describeTarget(c.target)],
    ['Repetitions', String(c.repetitions)],
    ['Build profile', `-${c.profile ?? DEFAULT_BUILD_PROFILE}`],
    ['Order', c.sequential ? 'one device at a time' : 'devices in parallel'],
    ['Runs', `${c.recordedRuns} of ${c.plannedRuns} recorded: ${describeRunCounts(c.counts)}`],
    ['Created', formatTimestamp(c.createdAt)],
    ['Finished', c.finishedAt ? formatTimestamp(c.finishedAt) : NONE],
  ]);
  if (c.devices.length === 0) return;
  io.stdout('\n');
  const table = makeTable(io, ['Device', 'Board', 'VM']);
  for (const d of c.devices) table.push([d.id, d.board, d.vm]);
  printTable(io, table);
}
