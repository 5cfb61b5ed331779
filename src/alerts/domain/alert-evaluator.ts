import {
  type AlertRule,
  type DeviceFacts,
  type EventMatch,
  inScope,
  isDeviceRule,
} from './alert-rule';
import { type DeviceState, nextDeviceState, type TelemetryReading } from './device-state';

export type { TelemetryReading } from './device-state';

/** An alert firing now: a rule and the device (or deployment) it fired for. */
export interface FiringKey {
  ruleId: number;
  deviceId: string | null;
  deploymentId: number | null;
}

export interface AlertTransition extends FiringKey {
  change: 'firing' | 'resolved';
  rule: AlertRule;
  value: number | null;
  at: number;
  message: string;
}

export interface HaltedDeployment {
  id: number;
  reason: string | null;
}

/** What a device's event looks like to an `event_rate` rule. */
export interface EventSeen {
  kind: 'publish' | 'emit' | 'vm';
  /** The VM state of a `vm` event. */
  state?: string;
}

const keyOf = (ruleId: number, deviceId: string | null, deploymentId: number | null) =>
  `${ruleId}|${deviceId ?? `deployment:${deploymentId}`}`;

/**
 * Alert rules evaluated on what arrives (samples, events, deployment states) and on a timer
 * (silence, event windows, `forSeconds`). Pure and synchronous: the caller passes the time,
 * persists the transitions it returns, and sends the notifications. An alert fires once per
 * rule and device (or deployment), and resolves by itself when its condition no longer holds.
 */
export class AlertEvaluator {
  private rules = new Map<number, AlertRule>();
  private readonly devices = new Map<string, DeviceState>();
  private readonly firing = new Map<string, FiringKey>();
  /** Telemetry conditions that hold but not yet for `forSeconds`: since when. */
  private readonly pending = new Map<string, number>();
  /** Matching events inside an `event_rate` rule's window, oldest first. */
  private readonly events = new Map<string, number[]>();

  /** Alerts already firing when the gateway started (from the database): not fired again. */
  restore(firing: readonly FiringKey[]): void {
    for (const f of firing) this.firing.set(keyOf(f.ruleId, f.deviceId, f.deploymentId), f);
  }

  /**
   * Replaces the rules (only enabled ones count). Alerts of a rule that is gone or disabled
   * resolve; a changed telemetry rule is evaluated again on each device's last sample.
   */
  setRules(rules: readonly AlertRule[], now: number): AlertTransition[] {
    const out: AlertTransition[] = [];
    const next = new Map(rules.filter((r) => r.enabled).map((r) => [r.id, r]));
    for (const [key, f] of this.firing) {
      const old = this.rules.get(f.ruleId);
      if (old && !next.has(f.ruleId)) out.push(this.resolve(old, f, now, null, 'rule removed'));
      if (!old && !next.has(f.ruleId)) this.firing.delete(key);
    }
    const changed = [...next.values()].filter(
      (r) => this.rules.get(r.id)?.updatedAt !== r.updatedAt,
    );
    this.rules = next;
    for (const key of [...this.pending.keys()])
      if (!next.has(Number(key.split('|')[0]))) this.pending.delete(key);
    for (const rule of changed) {
      if (rule.kind !== 'telemetry') continue;
      for (const key of [...this.pending.keys()])
        if (key.startsWith(`${rule.id}|`)) this.pending.delete(key);
      for (const dev of this.devices.values()) this.checkTelemetry(rule, dev, now, out);
    }
    return out;
  }

  telemetry(facts: DeviceFacts, reading: TelemetryReading): AlertTransition[] {
    const out: AlertTransition[] = [];
    const dev = this.updateDevice(facts, reading);
    for (const rule of this.rules.values()) {
      if (rule.kind === 'telemetry') this.checkTelemetry(rule, dev, reading.at, out);
      if (rule.kind === 'silent')
        this.resolveIfFiring(rule, facts.id, reading.at, out, 'telemetry again');
    }
    return out;
  }

  event(facts: DeviceFacts, event: EventSeen, at: number): AlertTransition[] {
    const out: AlertTransition[] = [];
    const dev = this.devices.get(facts.id);
    if (dev) dev.facts = facts;
    for (const rule of this.rules.values()) {
      if (rule.kind !== 'event_rate' || !matches(rule.event, event)) continue;
      if (!this.watches(rule, facts, at, out)) continue;
      const key = keyOf(rule.id, facts.id, null);
      const times = (this.events.get(key) ?? []).filter((t) => at - t < rule.windowSeconds * 1000);
      times.push(at);
      this.events.set(key, times);
      if (times.length >= rule.count && !this.firing.has(key)) {
        const message = `${times.length} ${rule.event} events in ${rule.windowSeconds} s (at least ${rule.count})`;
        out.push(
          this.fire(
            rule,
            { ruleId: rule.id, deviceId: facts.id, deploymentId: null },
            at,
            times.length,
            message,
          ),
        );
      }
    }
    return out;
  }

  /** The deployments halted now (failure threshold reached): each fires once, resolves when no longer halted. */
  deployments(halted: readonly HaltedDeployment[], now: number): AlertTransition[] {
    const out: AlertTransition[] = [];
    const ids = new Set(halted.map((d) => d.id));
    for (const rule of this.rules.values()) {
      if (rule.kind !== 'rollout_failed') continue;
      for (const d of halted) {
        const f = { ruleId: rule.id, deviceId: null, deploymentId: d.id };
        if (this.firing.has(keyOf(rule.id, null, d.id))) continue;
        out.push(
          this.fire(
            rule,
            f,
            now,
            null,
            `deployment ${d.id} halted: ${d.reason ?? 'failure threshold reached'}`,
          ),
        );
      }
      for (const f of this.firingOf(rule.id)) {
        if (f.deploymentId !== null && !ids.has(f.deploymentId)) {
          out.push(
            this.resolve(rule, f, now, null, `deployment ${f.deploymentId} no longer halted`),
          );
        }
      }
    }
    return out;
  }

  /** The timer: silence, event windows that empty, `forSeconds` that elapse between samples. */
  tick(now: number): AlertTransition[] {
    const out: AlertTransition[] = [];
    for (const key of [...this.pending.keys()]) {
      const [ruleId, deviceId] = key.split('|');
      const rule = this.rules.get(Number(ruleId));
      const dev = this.devices.get(deviceId);
      if (rule?.kind === 'telemetry' && dev) this.checkTelemetry(rule, dev, now, out);
    }
    for (const rule of this.rules.values()) {
      if (rule.kind === 'silent') this.checkSilence(rule, now, out);
      if (rule.kind === 'event_rate') this.checkWindows(rule, now, out);
    }
    return out;
  }

  /**
   * Forgets every device not in `existing` (deleted ones): their alerts resolve, and a
   * silent rule stops watching a device that will never send again.
   */
  forgetDevices(existing: ReadonlySet<string>, now: number): AlertTransition[] {
    const out: AlertTransition[] = [];
    const gone = (id: string | null) => id !== null && !existing.has(id);
    for (const id of [...this.devices.keys()]) if (gone(id)) this.devices.delete(id);
    for (const [key, f] of [...this.firing]) {
      if (!gone(f.deviceId)) continue;
      const rule = this.rules.get(f.ruleId);
      if (rule) out.push(this.resolve(rule, f, now, null, 'device deleted'));
      else this.firing.delete(key);
    }
    for (const map of [this.pending, this.events]) {
      for (const key of [...map.keys()]) if (gone(key.slice(key.indexOf('|') + 1))) map.delete(key);
    }
    return out;
  }

  firingCountByKind(): Record<AlertRule['kind'], number> {
    const counts = { telemetry: 0, silent: 0, event_rate: 0, rollout_failed: 0 };
    for (const f of this.firing.values()) {
      const rule = this.rules.get(f.ruleId);
      if (rule) counts[rule.kind]++;
    }
    return counts;
  }

  private updateDevice(facts: DeviceFacts, r: TelemetryReading): DeviceState {
    const dev = nextDeviceState(this.devices.get(facts.id), facts, r);
    this.devices.set(facts.id, dev);
    return dev;
  }

  private checkTelemetry(
    rule: Extract<AlertRule, { kind: 'telemetry' }>,
    dev: DeviceState,
    now: number,
    out: AlertTransition[],
  ): void {
    if (!this.watches(rule, dev.facts, now, out)) return;
    const value = dev.values[rule.metric];
    if (value === null) return;
    const key = keyOf(rule.id, dev.facts.id, null);
    const holds = rule.op === '>' ? value > rule.threshold : value < rule.threshold;
    // Built only for a transition: this runs for every sample and rule.
    const shown = () => `${rule.metric} ${round(value)}`;
    if (!holds) {
      this.pending.delete(key);
      this.resolveIfFiring(
        rule,
        dev.facts.id,
        now,
        out,
        () => `${shown()}, no longer ${rule.op} ${rule.threshold}`,
        value,
      );
      return;
    }
    if (this.firing.has(key)) return;
    const since = this.pending.get(key) ?? now;
    if (now - since < rule.forSeconds * 1000) {
      this.pending.set(key, since);
      return;
    }
    this.pending.delete(key);
    const message = `${shown()} ${rule.op} ${rule.threshold}${rule.forSeconds ? ` for ${rule.forSeconds} s` : ''}`;
    out.push(
      this.fire(
        rule,
        { ruleId: rule.id, deviceId: dev.facts.id, deploymentId: null },
        now,
        value,
        message,
      ),
    );
  }

  private checkSilence(
    rule: Extract<AlertRule, { kind: 'silent' }>,
    now: number,
    out: AlertTransition[],
  ): void {
    for (const dev of this.devices.values()) {
      if (dev.intervalMs === null || !this.watches(rule, dev.facts, now, out)) continue;
      const key = keyOf(rule.id, dev.facts.id, null);
      const silentMs = now - dev.lastAt;
      if (this.firing.has(key) || silentMs <= rule.periods * dev.intervalMs) continue;
      const message = `no telemetry for ${Math.round(silentMs / 1000)} s (${rule.periods} × its ${round(dev.intervalMs / 1000)} s interval)`;
      out.push(
        this.fire(
          rule,
          { ruleId: rule.id, deviceId: dev.facts.id, deploymentId: null },
          now,
          silentMs / 1000,
          message,
        ),
      );
    }
  }

  private checkWindows(
    rule: Extract<AlertRule, { kind: 'event_rate' }>,
    now: number,
    out: AlertTransition[],
  ): void {
    for (const [key, times] of this.events) {
      if (!key.startsWith(`${rule.id}|`)) continue;
      const inside = times.filter((t) => now - t < rule.windowSeconds * 1000);
      if (inside.length) this.events.set(key, inside);
      else this.events.delete(key);
      if (inside.length >= rule.count) continue;
      const message = `${inside.length} ${rule.event} events in the last ${rule.windowSeconds} s`;
      this.resolveIfFiring(rule, key.slice(key.indexOf('|') + 1), now, out, message, inside.length);
    }
  }

  /** A device rule watches the device; one that no longer does resolves its alert for it. */
  private watches(
    rule: AlertRule,
    facts: DeviceFacts,
    now: number,
    out: AlertTransition[],
  ): boolean {
    if (isDeviceRule(rule) && inScope(rule.scope, facts)) return true;
    this.resolveIfFiring(rule, facts.id, now, out, 'device no longer in the rule scope');
    return false;
  }

  private resolveIfFiring(
    rule: AlertRule,
    deviceId: string,
    now: number,
    out: AlertTransition[],
    message: string | (() => string),
    value: number | null = null,
  ): void {
    const f = this.firing.get(keyOf(rule.id, deviceId, null));
    if (!f) return;
    out.push(this.resolve(rule, f, now, value, typeof message === 'string' ? message : message()));
  }

  private firingOf(ruleId: number): FiringKey[] {
    return [...this.firing.values()].filter((f) => f.ruleId === ruleId);
  }

  private fire(
    rule: AlertRule,
    f: FiringKey,
    at: number,
    value: number | null,
    message: string,
  ): AlertTransition {
    this.firing.set(keyOf(f.ruleId, f.deviceId, f.deploymentId), f);
    return { change: 'firing', rule, ...f, value, at, message };
  }

  private resolve(
    rule: AlertRule,
    f: FiringKey,
    at: number,
    value: number | null,
    message: string,
  ): AlertTransition {
    this.firing.delete(keyOf(f.ruleId, f.deviceId, f.deploymentId));
    return { change: 'resolved', rule, ...f, value, at, message };
  }
}

function matches(want: EventMatch, event: EventSeen): boolean {
  return want === 'fault' ? event.kind === 'vm' && event.state === 'faulted' : event.kind === want;
}

const round = (v: number) => Math.round(v * 10) / 10;
