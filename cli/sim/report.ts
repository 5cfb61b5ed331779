import { formatCount, formatDuration } from '../format';
import type { FleetStats } from './fleet';
import type { ProvisionResult } from './provision';

export interface SimSummary {
  gateway: string;
  /** How the devices reached the gateway. */
  transport: 'mqtt' | 'coap';
  /** The broker, on MQTT. */
  mqttUrl?: string;
  /** The gateway's CoAP endpoint, on CoAP. */
  coapUrl?: string;
  stateFile: string;
  board: string;
  vm: string;
  devices: { total: number; created: number; reused: number; reprovisioned: number };
  stoppedBy: 'duration' | 'signal';
  durationMs: number;
  /** Taken just before the fleet stopped, so `connected` says how many were up at the end. */
  stats: FleetStats;
}

/** `[1m 5s] connected 98/100 | telemetry 1,234 (+196) | errors 0 | reconnects 2` */
export function formatStatusLine(
  stats: FleetStats,
  elapsedMs: number,
  previousSent: number,
): string {
  return [
    `[${formatDuration(elapsedMs)}] connected ${stats.connected}/${stats.total}`,
    `telemetry ${formatCount(stats.telemetrySent)} (+${formatCount(stats.telemetrySent - previousSent)})`,
    `errors ${formatCount(stats.errorsReceived)}`,
    `reconnects ${formatCount(stats.reconnects)}`,
  ].join(' | ');
}

export function deviceCounts(result: ProvisionResult): SimSummary['devices'] {
  const { created, reused, reprovisioned } = result;
  return { total: result.devices.length, created, reused, reprovisioned };
}

export function summaryRows(summary: SimSummary): Array<[string, string]> {
  const { devices, stats } = summary;
  const stopped = summary.stoppedBy === 'signal' ? 'by signal' : 'after --duration';
  return [
    ['Gateway', summary.gateway],
    summary.coapUrl ? ['CoAP', summary.coapUrl] : ['MQTT', summary.mqttUrl ?? ''],
    ['Devices', `${devices.total} × ${summary.board} / ${summary.vm}`],
    [
      'Provisioned',
      `${devices.created} new, ${devices.reused} reused, ${devices.reprovisioned} re-provisioned`,
    ],
    ['Ran for', `${formatDuration(summary.durationMs)} (stopped ${stopped})`],
    ['Connected at stop', `${stats.connected}/${stats.total}`],
    ['Telemetry sent', formatCount(stats.telemetrySent)],
    ['Gateway errors', formatCount(stats.errorsReceived)],
    ['Reconnects', formatCount(stats.reconnects)],
    ['State file', summary.stateFile],
  ];
}
