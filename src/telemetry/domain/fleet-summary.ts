import type { Device } from '../../devices/domain/device';

export interface FleetGroup {
  key: string;
  total: number;
  online: number;
  ramUsed: number;
  ramTotal: number;
  flashUsed: number;
  flashTotal: number;
  /** Mean CPU load of the devices in the group that have reported. */
  cpuLoad: number | null;
}

export interface FleetSummary {
  devices: { total: number; online: number };
  byVm: FleetGroup[];
  byBoard: FleetGroup[];
}

/** Sums each device's latest sample by VM kind and by board. */
export function summariseFleet(devices: readonly Device[]): FleetSummary {
  return {
    devices: { total: devices.length, online: devices.filter((d) => d.online).length },
    byVm: group(devices, (d) => d.vm.kind),
    byBoard: group(devices, (d) => d.board),
  };
}

function group(devices: readonly Device[], keyOf: (d: Device) => string): FleetGroup[] {
  const groups = new Map<string, FleetGroup & { cpuSum: number; reporting: number }>();
  for (const d of devices) {
    const key = keyOf(d);
    const g = groups.get(key) ?? {
      key,
      total: 0,
      online: 0,
      ramUsed: 0,
      ramTotal: 0,
      flashUsed: 0,
      flashTotal: 0,
      cpuLoad: null,
      cpuSum: 0,
      reporting: 0,
    };
    g.total++;
    if (d.online) g.online++;
    if (d.latest) {
      g.ramUsed += d.latest.ramUsed;
      g.ramTotal += d.latest.ramTotal;
      g.flashUsed += d.latest.flashUsed;
      g.flashTotal += d.latest.flashTotal;
      g.cpuSum += d.latest.cpuLoad;
      g.reporting++;
    }
    groups.set(key, g);
  }
  return [...groups.values()]
    .sort((a, b) => a.key.localeCompare(b.key))
    .map(({ cpuSum, reporting, ...g }) => ({
      ...g,
      cpuLoad: reporting ? Math.round((cpuSum / reporting) * 10000) / 10000 : null,
    }));
}
