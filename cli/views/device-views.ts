import type { Device, LatestSample } from '../../src/protocol/api';
import {
  formatBytes,
  formatCount,
  formatDuration,
  formatHz,
  formatOnline,
  formatPercent,
  formatRelativeTime,
  formatTags,
  formatTimestamp,
  formatUsage,
  NONE,
} from '../format';
import { makeTable, printRecord, printTable, type CliIo } from '../output';

export function printDeviceTable(io: CliIo, devices: Device[], now: Date): void {
  const table = makeTable(io, [
    'ID',
    'Board',
    'VM',
    'Status',
    'Via',
    'Last seen',
    'RAM',
    'CPU',
    'Tags',
  ]);
  for (const d of devices) {
    table.push([
      d.id,
      d.board,
      d.vm.kind,
      d.revokedAt ? 'revoked' : formatOnline(d.online),
      viaLabel(d),
      formatRelativeTime(d.lastSeenAt, now),
      formatUsage(d.latest?.ramUsed, d.latest?.ramTotal),
      formatPercent(d.latest?.cpuLoad),
      formatTags(d.tags),
    ]);
  }
  printTable(io, table);
}

/**
 * What an online device is connected over and which instance holds it: `coap on gw-a`;
 * `mqtt via broker` behind an external broker (no instance holds it).
 */
export function viaLabel(device: Device): string {
  if (!device.online || !device.transport) return NONE;
  return device.instance
    ? `${device.transport} on ${device.instance}`
    : `${device.transport} via broker`;
}

function vmLabel(device: Device): string {
  return device.vm.version ? `${device.vm.kind} ${device.vm.version}` : device.vm.kind;
}

function limitsLabel(limits: Device['limits']): string {
  if (!limits) return 'not reported yet (no hello)';
  const parts = [
    `RAM ${formatBytes(limits.ramBytes)}`,
    `flash ${formatBytes(limits.flashBytes)}`,
    formatHz(limits.clockHz),
  ];
  if (limits.maxChunkBytes !== undefined) parts.push(`chunk ${formatBytes(limits.maxChunkBytes)}`);
  return parts.join(', ');
}

function timeLabel(iso: string | null, now: Date): string {
  return iso ? `${formatTimestamp(iso)} (${formatRelativeTime(iso, now)})` : 'never';
}

function latestRows(latest: LatestSample | null): Array<[string, string]> {
  if (!latest) return [['Latest sample', 'none yet']];
  const app = latest.app ? `${latest.app.id} ${latest.app.version}` : NONE;
  return [
    ['Latest sample', formatTimestamp(latest.at ?? latest.ts)],
    ['RAM', formatUsage(latest.ramUsed, latest.ramTotal)],
    ['RAM peak', formatUsage(latest.ramPeak, latest.ramTotal)],
    ['Flash', formatUsage(latest.flashUsed, latest.flashTotal)],
    ['CPU', formatPercent(latest.cpuLoad)],
    ['VM state', latest.vmState ?? NONE],
    ['Instructions', formatCount(latest.instructions)],
    ['Uptime', formatDuration(latest.uptimeMs)],
    ['App', app],
  ];
}

/** `Slot 0: running, complete, blink 1.1.0, 12.3 KiB`: both app slots as the device last said. */
export function slotRows(device: Device): Array<[string, string]> {
  if (!device.slots) return [['Slots', 'not reported (firmware before slot reports)']];
  return device.slots.map((s) => {
    const parts = [s.active ? 'running' : 'inactive', s.state];
    if (s.app) parts.push(`${s.app.id} ${s.app.version}`);
    if (s.state !== 'empty') parts.push(formatBytes(s.bytes));
    return [`Slot ${s.slot}`, parts.join(', ')];
  });
}

export function printDeviceRecord(io: CliIo, device: Device, now: Date): void {
  printRecord(io, [
    ['ID', device.id],
    ['Board', device.board],
    ['VM', vmLabel(device)],
    ['Firmware', device.firmware ?? NONE],
    [
      'Status',
      device.revokedAt
        ? `revoked ${timeLabel(device.revokedAt, now)}`
        : formatOnline(device.online),
    ],
    ['Connected via', viaLabel(device)],
    [
      'Credentials rotated',
      device.credentialsRotatedAt ? timeLabel(device.credentialsRotatedAt, now) : 'never',
    ],
    ['Tags', formatTags(device.tags)],
    ['Limits', limitsLabel(device.limits)],
    ['Created', timeLabel(device.createdAt, now)],
    ['Connected', timeLabel(device.connectedAt, now)],
    ['Last seen', timeLabel(device.lastSeenAt, now)],
    ...slotRows(device),
    ...latestRows(device.latest),
  ]);
}
