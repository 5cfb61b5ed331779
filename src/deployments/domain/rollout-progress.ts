import type { OtaDeviceState } from '../../protocol';
import {
  type Deployment,
  type DeviceRollout,
  isTerminal,
  ROLLOUT_STATES,
  type RolloutState,
} from './deployment';

/** What a deployment should do next, given where its devices are. */
export interface NextStep {
  /** The wave to be at (≥ the current one). */
  wave: number;
  /** Devices to offer the update to now. */
  offer: string[];
  halt?: string;
  complete?: string;
}

const ORDER: Record<RolloutState, number> = {
  pending: 0,
  offered: 1,
  transferring: 2,
  verifying: 3,
  installed: 4,
  running: 5,
  healthy: 6,
  failed: 6,
  'rolled-back': 6,
  skipped: 6,
  cancelled: 6,
};

export function countStates(devices: readonly DeviceRollout[]): Record<RolloutState, number> {
  const counts = Object.fromEntries(ROLLOUT_STATES.map((s) => [s, 0])) as Record<
    RolloutState,
    number
  >;
  for (const d of devices) counts[d.state] += 1;
  return counts;
}

/**
 * Decides the next step of a running deployment. A wave is done when each of its devices
 * is finished or still pending because it is offline (it gets the update when it is back);
 * the rollout halts when failures exceed the threshold, counted against all planned
 * devices at any time and against the devices tried so far at each wave boundary.
 */
export function nextStep(
  deployment: Deployment,
  devices: readonly DeviceRollout[],
  isOnline: (deviceId: string) => boolean,
): NextStep {
  const counts = countStates(devices);
  const failures = counts.failed + counts['rolled-back'];
  const planned = devices.length - counts.skipped - counts.cancelled;
  const tried = planned - counts.pending;
  const threshold = deployment.failureThreshold;
  const tooMany = (base: number) => failures > 0 && failures * 100 > threshold * base;
  const failed = (base: number) =>
    `${failures} of ${base} devices failed, above the ${threshold}% threshold`;

  let wave = deployment.currentWave;
  if (tooMany(planned)) return { wave, offer: [], halt: failed(planned) };
  const done = (w: number) =>
    devices.every(
      (d) => d.wave > w || isTerminal(d.state) || (d.state === 'pending' && !isOnline(d.deviceId)),
    );
  while (wave < deployment.waveCount - 1 && done(wave)) {
    if (tooMany(tried)) return { wave, offer: [], halt: failed(tried) };
    wave += 1;
  }
  if (devices.every((d) => isTerminal(d.state))) {
    return { wave, offer: [], complete: summary(counts) };
  }
  const offer = devices
    .filter((d) => d.wave <= wave && d.state === 'pending' && isOnline(d.deviceId))
    .map((d) => d.deviceId);
  return { wave, offer };
}

/** "18 healthy, 2 rolled-back": the non-zero final counts. */
export function summary(counts: Record<RolloutState, number>): string {
  const parts = ROLLOUT_STATES.filter((s) => counts[s] > 0).map((s) => `${counts[s]} ${s}`);
  return parts.join(', ') || 'no devices';
}

export interface ReportedState {
  state: OtaDeviceState;
  code?: string;
  reason?: string;
}

/**
 * The device's report applied to its rollout entry, or null when it changes nothing: a
 * state already passed, or an entry already final. A device that was cancelled while it
 * was installing still tells what it runs.
 */
export function applyReport(
  entry: DeviceRollout,
  report: ReportedState,
  at: number,
): DeviceRollout | null {
  const lateInstall = entry.state === 'cancelled' && report.state !== 'failed';
  if (isTerminal(entry.state) && !lateInstall) return null;
  if (report.state === entry.state || ORDER[report.state] < ORDER[entry.state]) return null;
  return withState(entry, report.state, at, report.code, report.reason);
}

export function withState(
  entry: DeviceRollout,
  state: RolloutState,
  at: number,
  code?: string,
  reason?: string,
): DeviceRollout {
  const change = { state, at, ...(code ? { code } : {}), ...(reason ? { reason } : {}) };
  return {
    ...entry,
    state,
    code: code ?? null,
    reason: reason ?? null,
    updatedAt: at,
    history: [...entry.history, change],
  };
}
