import type { VmKind } from '../../protocol';
import type { RolloutStrategy } from './deployment';

/** What the plan needs to know about an app. */
export interface PlanApp {
  vm: VmKind;
  needs: { ramBytes: number; flashBytes: number };
}

/** What the plan needs to know about a device; limits are null until it said hello. */
export interface PlanDevice {
  id: string;
  vm: VmKind;
  limits: {
    ramBytes: number;
    flashBytes: number;
    appRamBytes?: number;
    appFlashBytes?: number;
  } | null;
}

export interface RolloutPlan {
  /** Device ids per wave, in order; no empty waves. */
  waves: string[][];
  skipped: { deviceId: string; reason: string }[];
}

/**
 * Why `device` cannot run `app`, or null when it can (or cannot be known yet: a device
 * that never said hello is checked again when it does).
 */
export function incompatibility(app: PlanApp, device: PlanDevice): string | null {
  if (device.vm !== app.vm) return `device runs ${device.vm}, app is for ${app.vm}`;
  const limits = device.limits;
  if (!limits) return null;
  const ram = limits.appRamBytes ?? limits.ramBytes;
  if (app.needs.ramBytes > ram) {
    return `app needs ${app.needs.ramBytes} bytes of RAM, device grants ${ram}`;
  }
  const flash = limits.appFlashBytes ?? limits.flashBytes;
  if (app.needs.flashBytes > flash) {
    return `app needs ${app.needs.flashBytes} bytes of flash, device has ${flash} per app slot`;
  }
  return null;
}

/** Splits the compatible devices into waves, in the order given; the rest are skipped. */
export function planRollout(
  app: PlanApp,
  devices: readonly PlanDevice[],
  strategy: RolloutStrategy,
): RolloutPlan {
  const skipped: RolloutPlan['skipped'] = [];
  const fit: string[] = [];
  for (const device of devices) {
    const reason = incompatibility(app, device);
    if (reason) skipped.push({ deviceId: device.id, reason });
    else fit.push(device.id);
  }
  const waves: string[][] = [];
  let start = 0;
  for (const size of waveSizes(fit.length, strategy)) {
    waves.push(fit.slice(start, start + size));
    start += size;
  }
  return { waves, skipped };
}

/** Devices per wave for n devices; sizes sum to n, none is zero. */
export function waveSizes(n: number, strategy: RolloutStrategy): number[] {
  let cumulative: number[];
  switch (strategy.kind) {
    case 'all-at-once':
      cumulative = [n];
      break;
    case 'canary':
      cumulative = [Math.min(strategy.count, n), n];
      break;
    case 'waves':
      // A percentage of a small fleet still reaches one device: a wave is never empty.
      cumulative = strategy.percents.map((p) => Math.min(n, Math.ceil((n * p) / 100)));
      cumulative[cumulative.length - 1] = n;
      break;
  }
  const sizes: number[] = [];
  let previous = 0;
  for (const total of cumulative) {
    if (total > previous) sizes.push(total - previous);
    previous = Math.max(previous, total);
  }
  return sizes;
}
