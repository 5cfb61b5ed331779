import { z } from 'zod';
import type { AlertRuleView, AlertView } from '../../protocol/api';
import { ALERT_STATES, type Alert } from '../domain/alert';
import type { AlertRule } from '../domain/alert-rule';

export const ruleIdParamSchema = z.coerce
  .number()
  .int()
  .min(1)
  .max(2 ** 31 - 1);

export const listAlertsQuerySchema = z.strictObject({
  state: z.enum(ALERT_STATES).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});

const iso = (ms: number) => new Date(ms).toISOString();

export function ruleView(rule: AlertRule): AlertRuleView {
  return { ...rule, createdAt: iso(rule.createdAt), updatedAt: iso(rule.updatedAt) };
}

export function alertView(a: Alert): AlertView {
  return {
    ...a,
    firedAt: iso(a.firedAt),
    resolvedAt: a.resolvedAt === null ? null : iso(a.resolvedAt),
  };
}
