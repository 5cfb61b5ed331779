import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { AlertEntity, AlertRuleEntity } from './alert.entities';
import type { Alert, AlertQuery, AlertState } from './domain/alert';
import type { AlertTransition, FiringKey } from './domain/alert-evaluator';
import {
  type AlertRule,
  type RuleInput,
  type RuleKind,
  ruleInputSchema,
} from './domain/alert-rule';

@Injectable()
export class AlertsRepository {
  constructor(
    @InjectRepository(AlertRuleEntity) private readonly rules: Repository<AlertRuleEntity>,
    @InjectRepository(AlertEntity) private readonly alerts: Repository<AlertEntity>,
  ) {}

  async listRules(): Promise<AlertRule[]> {
    return (await this.rules.find({ order: { id: 'ASC' } })).map(toRule);
  }

  async findRule(id: number): Promise<AlertRule | null> {
    const row = await this.rules.findOne({ where: { id } });
    return row ? toRule(row) : null;
  }

  async insertRule(input: RuleInput, now: number): Promise<AlertRule> {
    const saved = await this.rules.save(
      this.rules.create({ ...toColumns(input), createdAt: now, updatedAt: now }),
    );
    return toRule(saved);
  }

  async updateRule(id: number, input: RuleInput, now: number): Promise<void> {
    await this.rules.update({ id }, { ...toColumns(input), updatedAt: now });
  }

  async deleteRule(id: number): Promise<boolean> {
    return ((await this.rules.delete({ id })).affected ?? 0) > 0;
  }

  async insertAlert(t: AlertTransition): Promise<Alert> {
    const row = this.alerts.create({
      ruleId: t.ruleId,
      ruleName: t.rule.name,
      kind: t.rule.kind,
      deviceId: t.deviceId,
      deploymentId: t.deploymentId,
      state: 'firing',
      value: t.value,
      message: t.message,
      firedAt: t.at,
      resolvedAt: null,
    });
    return toAlert(await this.alerts.save(row));
  }

  /** Resolves the firing alert of this rule and device (or deployment); null if none. */
  async resolveAlert(t: FiringKey, at: number): Promise<Alert | null> {
    const row = await this.alerts.findOne({
      where: {
        ruleId: t.ruleId,
        state: 'firing',
        ...(t.deviceId !== null ? { deviceId: t.deviceId } : {}),
        ...(t.deploymentId !== null ? { deploymentId: t.deploymentId } : {}),
      },
      order: { id: 'DESC' },
    });
    if (!row) return null;
    await this.alerts.update({ id: row.id }, { state: 'resolved', resolvedAt: at });
    return toAlert({ ...row, state: 'resolved', resolvedAt: at });
  }

  async listAlerts(q: AlertQuery): Promise<Alert[]> {
    const rows = await this.alerts.find({
      where: q.state ? { state: q.state } : {},
      order: { id: 'DESC' },
      take: q.limit,
    });
    return rows.map(toAlert);
  }

  async firing(): Promise<Alert[]> {
    return (await this.alerts.find({ where: { state: 'firing' } })).map(toAlert);
  }
}

function toColumns(input: RuleInput): Partial<AlertRuleEntity> {
  const { kind, name, webhookUrl, enabled, ...spec } = input;
  return { kind, name, webhookUrl, enabled, spec: JSON.stringify(spec) };
}

function toRule(row: AlertRuleEntity): AlertRule {
  const spec = JSON.parse(row.spec) as Record<string, unknown>;
  // Parsed again: a row is only ever written from a parsed rule, so this cannot fail short of
  // a hand-edited database, and then the error names the rule.
  const input = ruleInputSchema.safeParse({
    ...spec,
    kind: row.kind,
    name: row.name,
    webhookUrl: row.webhookUrl,
    enabled: Boolean(row.enabled),
  });
  if (!input.success)
    throw new Error(`alert rule ${row.id} in the database is invalid: ${input.error.message}`);
  return { ...input.data, id: row.id, createdAt: row.createdAt, updatedAt: row.updatedAt };
}

function toAlert(row: AlertEntity): Alert {
  return {
    id: row.id,
    ruleId: row.ruleId,
    ruleName: row.ruleName,
    kind: row.kind as RuleKind,
    deviceId: row.deviceId,
    deploymentId: row.deploymentId,
    state: row.state as AlertState,
    value: row.value,
    message: row.message,
    firedAt: row.firedAt,
    resolvedAt: row.resolvedAt,
  };
}
