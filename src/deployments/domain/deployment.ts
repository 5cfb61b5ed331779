import type { VmKind } from '../../protocol';
import type { DeviceTarget } from '../../devices/domain/device';

/** How devices are split into waves; each wave starts when the one before it is done. */
export type RolloutStrategy =
  | { kind: 'all-at-once' }
  /** The first `count` devices, then all the rest. */
  | { kind: 'canary'; count: number }
  /** Cumulative percentages of the devices, ascending, the last one 100. */
  | { kind: 'waves'; percents: readonly number[] };

/** Which devices a deployment is for: explicit ids, or every device with a tag. */
export type DeploymentTarget = DeviceTarget;

/**
 * A device's way through a deployment. The gateway sets pending, offered, skipped and
 * cancelled; the device reports the rest (protocol §10.1).
 */
export const ROLLOUT_STATES = [
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
export type RolloutState = (typeof ROLLOUT_STATES)[number];

export const TERMINAL_STATES: ReadonlySet<RolloutState> = new Set([
  'healthy',
  'failed',
  'rolled-back',
  'skipped',
  'cancelled',
]);

export type DeploymentStatus = 'running' | 'paused' | 'halted' | 'completed' | 'cancelled';

/** Statuses in which a deployment still acts on devices (a halted one finishes what it started). */
export const ACTIVE_STATUSES: readonly DeploymentStatus[] = ['running', 'paused', 'halted'];

export interface StateChange {
  state: RolloutState;
  at: number;
  code?: string;
  reason?: string;
}

export interface DeviceRollout {
  deploymentId: number;
  deviceId: string;
  /** Index of the wave the device belongs to. */
  wave: number;
  state: RolloutState;
  code: string | null;
  reason: string | null;
  updatedAt: number;
  /** Every state the device went through, oldest first. */
  history: StateChange[];
}

export interface DeploymentApp {
  name: string;
  version: string;
  vm: VmKind;
}

export interface Deployment {
  id: number;
  app: DeploymentApp;
  target: DeploymentTarget;
  strategy: RolloutStrategy;
  /** Percentage of failed devices above which the rollout halts. */
  failureThreshold: number;
  /** How long a new app must run without a fault on a device to be healthy. */
  healthWindowMs: number;
  status: DeploymentStatus;
  /** The highest wave offered so far. */
  currentWave: number;
  waveCount: number;
  /** Why the deployment is halted, cancelled or completed the way it is. */
  reason: string | null;
  createdAt: number;
  updatedAt: number;
  finishedAt: number | null;
}

export function isTerminal(state: RolloutState): boolean {
  return TERMINAL_STATES.has(state);
}
