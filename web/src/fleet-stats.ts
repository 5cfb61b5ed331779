/** Pure summaries of the device list for the fleet page (what the aggregates show). */
import type { Device } from '../../src/protocol/api';

export interface Group {
  key: string;
  total: number;
  online: number;
}

/** Devices per value of `keyOf`, most devices first. */
export function groupBy(devices: readonly Device[], keyOf: (d: Device) => string): Group[] {
  const groups = new Map<string, Group>();
  for (const d of devices) {
    const key = keyOf(d);
    const g = groups.get(key) ?? { key, total: 0, online: 0 };
    g.total++;
    if (d.online) g.online++;
    groups.set(key, g);
  }
  return [...groups.values()].sort((a, b) => b.total - a.total || a.key.localeCompare(b.key));
}

export const appOf = (d: Device) =>
  d.latest?.app ? `${d.latest.app.id}@${d.latest.app.version}` : 'no app';

/** What an online device is connected over (`mqtt`, `mqtt-ws`, `coap`); offline ones are not. */
export const transportOf = (d: Device) => (d.online ? (d.transport ?? 'unknown') : NOT_CONNECTED);
export const NOT_CONNECTED = 'not connected';

/** Share of RAM or flash in use, 0–100, or null without a sample. */
export function usePercent(d: Device, what: 'ram' | 'flash'): number | null {
  const used = what === 'ram' ? d.latest?.ramUsed : d.latest?.flashUsed;
  const total = what === 'ram' ? d.latest?.ramTotal : d.latest?.flashTotal;
  return used == null || !total ? null : (100 * used) / total;
}

/** How many devices fall into each tenth of use (0–10 %, …, 90–100 %). */
export function histogram(devices: readonly Device[], what: 'ram' | 'flash'): number[] {
  const bins = new Array<number>(10).fill(0);
  for (const d of devices) {
    const p = usePercent(d, what);
    if (p !== null) bins[Math.min(9, Math.floor(p / 10))]++;
  }
  return bins;
}

/** The `n` devices using the largest share of RAM or flash. */
export function topUsers(devices: readonly Device[], what: 'ram' | 'flash', n: number): Device[] {
  return devices
    .filter((d) => usePercent(d, what) !== null)
    .sort((a, b) => usePercent(b, what)! - usePercent(a, what)!)
    .slice(0, n);
}

export interface Filter {
  text: string;
  vm: string;
  board: string;
  presence: '' | 'online' | 'offline';
  app: string;
  transport: string;
}

export function matches(d: Device, f: Filter): boolean {
  if (f.vm && d.vm.kind !== f.vm) return false;
  if (f.board && d.board !== f.board) return false;
  if (f.presence && d.online !== (f.presence === 'online')) return false;
  if (f.app && appOf(d) !== f.app) return false;
  if (f.transport && transportOf(d) !== f.transport) return false;
  if (!f.text) return true;
  const t = f.text.toLowerCase();
  return d.id.toLowerCase().includes(t) || d.tags.some((tag) => tag.toLowerCase().includes(t));
}
