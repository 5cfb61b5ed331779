import type { RuleKind } from './alert-rule';

export const ALERT_STATES = ['firing', 'resolved'] as const;
export type AlertState = (typeof ALERT_STATES)[number];

/** One firing of a rule for a device (device rules) or a deployment (`rollout_failed`). */
export interface Alert {
  id: number;
  ruleId: number;
  ruleName: string;
  kind: RuleKind;
  deviceId: string | null;
  deploymentId: number | null;
  state: AlertState;
  /** The rule's measure when it fired (a percentage, seconds of silence, an event count). */
  value: number | null;
  message: string;
  firedAt: number;
  resolvedAt: number | null;
}

export interface AlertQuery {
  state?: AlertState;
  limit: number;
}
