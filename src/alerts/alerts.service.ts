import { Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { Observable, Subject, type Subscription } from 'rxjs';
import { LeaseService } from '../cluster/lease.service';
import { NotFoundError } from '../common/domain-error';
import { parseOrThrow } from '../common/zod';
import { DeploymentsService } from '../deployments/deployments.service';
import { DevicesService } from '../devices/devices.service';
import { MetricsService } from '../metrics/metrics.service';
import { type TappedUplink, UplinkTap } from '../metrics/uplink-tap';
import { AlertsRepository } from './alerts.repository';
import { DeviceFactsCache } from './device-facts';
import type { Alert, AlertQuery } from './domain/alert';
import { AlertEvaluator, type AlertTransition } from './domain/alert-evaluator';
import {
  type AlertRule,
  RULE_KINDS,
  type RuleInput,
  ruleInputSchema,
  rulePatchSchema,
} from './domain/alert-rule';
import { WebhookNotifier } from './webhook-notifier';

/** How often silence, event windows and `forSeconds` are checked. */
const TICK_MS = 1000;
/** How often halted deployments are looked up while a `rollout_failed` rule exists. */
const DEPLOYMENT_POLL_MS = 5000;
/**
 * How often the rules are read again (a change made through another gateway instance) and
 * the devices known to the evaluator checked against the database (deleted ones forgotten).
 */
const RECONCILE_MS = 30_000;

/** One alert that fired or resolved, as the SSE stream sends it. */
export interface AlertChange {
  change: 'firing' | 'resolved';
  alert: Alert;
}

export class AlertRuleNotFoundError extends NotFoundError {
  constructor(id: number) {
    super('alert_rule_not_found', `no alert rule ${id}; list them with GET /api/alert-rules`);
  }
}

/** With several instances on one database, the holder of this lease raises rollout alerts. */
const ROLLOUT_ALERTS_LEASE = 'alerts-rollouts';

/**
 * Alert rules: stored and edited here, evaluated by AlertEvaluator on every uplink the
 * router taps and on a timer; each firing and resolution is stored, streamed and sent to
 * the rule's webhook. Runs beside ingest, never in it: a slow database write or webhook
 * delays alerts, not devices.
 */
@Injectable()
export class AlertsService implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('Alerts');
  private readonly evaluator = new AlertEvaluator();
  private readonly live = new Subject<AlertChange>();
  private readonly facts: DeviceFactsCache;
  private rules: AlertRule[] = [];
  /** Alert writes in the order the evaluator decided them. */
  private writes: Promise<void> = Promise.resolve();
  private reloading: Promise<void> = Promise.resolve();
  private timer?: NodeJS.Timeout;
  private tapped?: Subscription;
  private polledAt = 0;
  private polling = false;
  private reconciledAt = Date.now();
  private reconciling = false;

  constructor(
    private readonly repo: AlertsRepository,
    private readonly tap: UplinkTap,
    private readonly devices: DevicesService,
    private readonly deployments: DeploymentsService,
    private readonly notifier: WebhookNotifier,
    private readonly metrics: MetricsService,
    private readonly leases: LeaseService,
  ) {
    this.facts = new DeviceFactsCache(async (id) => {
      const d = await devices.get(id);
      return { id: d.id, board: d.board, vm: d.vm.kind, tags: d.tags };
    });
  }

  async onModuleInit(): Promise<void> {
    const firing = await this.repo.firing();
    this.evaluator.restore(firing);
    await this.reload();
    // Alerts whose rule went away while the gateway was down.
    const live = new Set(this.rules.filter((r) => r.enabled).map((r) => r.id));
    for (const a of firing) if (!live.has(a.ruleId)) await this.repo.resolveAlert(a, Date.now());
    this.countFiring();
    this.tapped = this.tap.messages.subscribe((u) => this.observe(u));
    this.leases.want(ROLLOUT_ALERTS_LEASE);
    this.timer = setInterval(() => this.tick(), TICK_MS);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    this.tapped?.unsubscribe();
    this.live.complete();
    await this.writes;
  }

  listRules(): Promise<AlertRule[]> {
    return this.repo.listRules();
  }

  async getRule(id: number): Promise<AlertRule> {
    const rule = await this.repo.findRule(id);
    if (!rule) throw new AlertRuleNotFoundError(id);
    return rule;
  }

  async createRule(input: RuleInput): Promise<AlertRule> {
    const rule = await this.repo.insertRule(input, Date.now());
    await this.reload();
    return rule;
  }

  /** Merges the patch over the stored rule and checks the result as a whole. */
  async updateRule(id: number, patch: unknown): Promise<AlertRule> {
    const stored = await this.getRule(id);
    const changes = parseOrThrow(rulePatchSchema, patch, 'alert rule patch');
    const current: Partial<AlertRule> = { ...stored };
    delete current.id;
    delete current.createdAt;
    delete current.updatedAt;
    const input = parseOrThrow(ruleInputSchema, { ...current, ...changes }, 'alert rule');
    // Strictly later than the last change, so the evaluator sees a change within one ms too.
    await this.repo.updateRule(id, input, Math.max(Date.now(), stored.updatedAt + 1));
    await this.reload();
    return this.getRule(id);
  }

  async deleteRule(id: number): Promise<void> {
    if (!(await this.repo.deleteRule(id))) throw new AlertRuleNotFoundError(id);
    await this.reload();
  }

  listAlerts(query: AlertQuery): Promise<Alert[]> {
    return this.repo.listAlerts(query);
  }

  /** Every alert that fires or resolves from now on. */
  changes(): Observable<AlertChange> {
    return this.live.asObservable();
  }

  /** Reads the rules again; serialised, so an older read never overwrites a newer one. */
  private reload(): Promise<void> {
    const next = this.reloading.then(async () => {
      this.rules = await this.repo.listRules();
      this.apply(this.evaluator.setRules(this.rules, Date.now()));
    });
    this.reloading = next.catch(() => undefined);
    return next;
  }

  private observe({ deviceId, message, receivedAt }: TappedUplink): void {
    if (message.channel === 'hello') return this.facts.forget(deviceId);
    if (message.channel !== 'telemetry' && message.channel !== 'event') return;
    if (!this.rules.some((r) => r.enabled && r.kind !== 'rollout_failed')) return;
    void this.facts.get(deviceId, receivedAt).then((facts) => {
      if (!facts) return;
      if (message.channel === 'event') {
        const body = message.body;
        const state = body.kind === 'vm' ? body.state : undefined;
        return this.apply(this.evaluator.event(facts, { kind: body.kind, state }, receivedAt));
      }
      const t = message.body;
      const reading = {
        at: receivedAt,
        ramUsed: t.ram.used,
        ramTotal: t.ram.total,
        flashUsed: t.flash.used,
        flashTotal: t.flash.total,
        cpu: t.cpu,
        instructions: t.vm.instructions,
      };
      this.apply(this.evaluator.telemetry(facts, reading));
    });
  }

  private tick(): void {
    const now = Date.now();
    this.apply(this.evaluator.tick(now));
    if (!this.reconciling && now - this.reconciledAt >= RECONCILE_MS) {
      this.reconciling = true;
      this.reconciledAt = now;
      void this.reconcile().finally(() => (this.reconciling = false));
    }
    const watchRollouts = this.rules.some((r) => r.enabled && r.kind === 'rollout_failed');
    if (!watchRollouts || this.polling || now - this.polledAt < DEPLOYMENT_POLL_MS) return;
    // Halted deployments are in the shared database: one instance of several watches them.
    if (!this.leases.holds(ROLLOUT_ALERTS_LEASE)) return;
    this.polling = true;
    this.polledAt = now;
    void this.deployments
      .list('halted', 1000)
      .then((list) => {
        const halted = list.map(({ deployment: d }) => ({ id: d.id, reason: d.reason }));
        this.apply(this.evaluator.deployments(halted, Date.now()));
      })
      .catch((err: Error) => this.logger.warn(`could not read halted deployments: ${err.message}`))
      .finally(() => (this.polling = false));
  }

  private async reconcile(): Promise<void> {
    try {
      await this.reload();
      // Only device rules keep devices in the evaluator.
      if (!this.rules.some((r) => r.enabled && r.kind !== 'rollout_failed')) return;
      const ids = new Set((await this.devices.list({})).map((d) => d.id));
      this.apply(this.evaluator.forgetDevices(ids, Date.now()));
    } catch (err) {
      this.logger.warn(`could not re-read the rules and devices: ${(err as Error).message}`);
    }
  }

  /** Stores, streams and notifies the transitions, in order, off the caller's path. */
  private apply(transitions: AlertTransition[]): void {
    if (transitions.length === 0) return;
    this.countFiring();
    for (const t of transitions) {
      this.writes = this.writes
        .then(() => this.record(t))
        .catch((err: Error) => this.logger.error(`could not store an alert: ${err.message}`));
    }
  }

  private countFiring(): void {
    const counts = this.evaluator.firingCountByKind();
    for (const kind of RULE_KINDS) this.metrics.alertsFiring.set({ kind }, counts[kind]);
  }

  private async record(t: AlertTransition): Promise<void> {
    const alert =
      t.change === 'firing'
        ? await this.repo.insertAlert(t)
        : await this.repo.resolveAlert(t, t.at);
    if (!alert) return;
    const where = t.deviceId ?? `deployment ${t.deploymentId}`;
    this.logger.log(`alert ${t.change}: ${t.rule.name} on ${where}: ${t.message}`);
    this.live.next({ change: t.change, alert });
    if (!t.rule.webhookUrl) return;
    this.notifier.notify(t.rule.webhookUrl, {
      status: t.change,
      rule: { id: t.rule.id, name: t.rule.name, kind: t.rule.kind },
      device: t.deviceId,
      deployment: t.deploymentId,
      value: t.value,
      message: t.message,
      at: new Date(t.at).toISOString(),
      alert: {
        id: alert.id,
        firedAt: new Date(alert.firedAt).toISOString(),
        resolvedAt: alert.resolvedAt === null ? null : new Date(alert.resolvedAt).toISOString(),
      },
    });
  }
}
