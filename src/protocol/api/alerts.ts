import { z } from 'zod';

/* Alert rules and alerts (REST /api/alert-rules, /api/alerts; docs/monitoring.md "Alerts"). */

/** A stored rule; the fields of its kind (metric, op, threshold, periods, event …) beside the common ones. */
export const alertRuleSchema = z.looseObject({
  id: z.number(),
  kind: z.string(),
  name: z.string(),
  webhookUrl: z.string().nullable(),
  enabled: z.boolean(),
  metric: z.string().optional(),
  op: z.string().optional(),
  threshold: z.number().optional(),
  forSeconds: z.number().optional(),
  periods: z.number().optional(),
  event: z.string().optional(),
  count: z.number().optional(),
  windowSeconds: z.number().optional(),
  scope: z
    .looseObject({
      tag: z.string().optional(),
      vm: z.string().optional(),
      board: z.string().optional(),
    })
    .optional(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type AlertRuleView = z.infer<typeof alertRuleSchema>;

export const alertRuleListSchema = z.looseObject({ items: z.array(alertRuleSchema) });

/** One firing of a rule for a device (or, for rollout_failed, a deployment). */
export const alertSchema = z.looseObject({
  id: z.number(),
  ruleId: z.number(),
  ruleName: z.string(),
  kind: z.string(),
  deviceId: z.string().nullable(),
  deploymentId: z.number().nullable(),
  /** firing or resolved */
  state: z.string(),
  value: z.number().nullable(),
  message: z.string(),
  firedAt: z.string(),
  resolvedAt: z.string().nullable(),
});
export type AlertView = z.infer<typeof alertSchema>;

export const alertListSchema = z.looseObject({ items: z.array(alertSchema) });
