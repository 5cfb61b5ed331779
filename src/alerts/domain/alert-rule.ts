import { z } from 'zod';
import { boardSchema, tagSchema, vmKindSchema } from '../../protocol';

/* Alert rules (docs/monitoring.md "Alerts"): one zod union is the type, the validator and the OpenAPI body. */

export const RULE_KINDS = ['telemetry', 'silent', 'event_rate', 'rollout_failed'] as const;
export type RuleKind = (typeof RULE_KINDS)[number];

/** What a telemetry rule compares, per sample: percentages 0-100, and instructions per second. */
export const TELEMETRY_METRICS = ['ram_pct', 'flash_pct', 'cpu_pct', 'instructions_per_s'] as const;
export type TelemetryMetric = (typeof TELEMETRY_METRICS)[number];

/** `fault`: a VM event with state `faulted`; the others: events of that kind. */
export const EVENT_MATCHES = ['fault', 'publish', 'emit', 'vm'] as const;
export type EventMatch = (typeof EVENT_MATCHES)[number];

/** Which devices a device rule watches: all of them when empty; every given field must match. */
const scopeSchema = z
  .strictObject({
    tag: tagSchema.optional(),
    vm: vmKindSchema.optional(),
    board: boardSchema.optional(),
  })
  .default({});
export type RuleScope = z.infer<typeof scopeSchema>;

const webhookUrlSchema = z
  .url({ protocol: /^https?$/, error: 'webhookUrl must be an http:// or https:// URL' })
  .max(2000);

const common = {
  name: z.string().trim().min(1).max(80),
  /** POSTed to on every firing and resolving of this rule's alerts; null: none. */
  webhookUrl: webhookUrlSchema.nullable().default(null),
  enabled: z.boolean().default(true),
};

const seconds = (max: number) => z.number().int().min(0).max(max);

export const ruleInputSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('telemetry'),
    ...common,
    metric: z.enum(TELEMETRY_METRICS),
    op: z.enum(['>', '<']),
    threshold: z.number().finite(),
    /** The condition must hold on every sample for this long before the alert fires. */
    forSeconds: seconds(7 * 86_400).default(0),
    scope: scopeSchema,
  }),
  z.strictObject({
    kind: z.literal('silent'),
    ...common,
    /** Fires after this many of the device's telemetry intervals without a sample. */
    periods: z.number().int().min(1).max(10_000).default(3),
    scope: scopeSchema,
  }),
  z.strictObject({
    kind: z.literal('event_rate'),
    ...common,
    event: z.enum(EVENT_MATCHES),
    /** Fires when a device sends at least `count` matching events within `windowSeconds`. */
    count: z.number().int().min(1).max(100_000),
    windowSeconds: seconds(7 * 86_400).min(1),
    scope: scopeSchema,
  }),
  z.strictObject({ kind: z.literal('rollout_failed'), ...common }),
]);
export type RuleInput = z.infer<typeof ruleInputSchema>;

/**
 * A PATCH: any field but `kind`, merged over the stored rule and checked as a whole again
 * (so a patch that leaves the rule inconsistent is refused with the rule's own messages).
 */
export const rulePatchSchema = z.looseObject({}).refine((p) => !('kind' in p), {
  message: 'the kind of a rule cannot change; delete it and add a new one',
});

export type AlertRule = RuleInput & { id: number; createdAt: number; updatedAt: number };
export type DeviceRule = Extract<AlertRule, { scope: RuleScope }>;

/** What a device rule needs to know of a device to decide whether it watches it. */
export interface DeviceFacts {
  id: string;
  board: string;
  vm: string;
  tags: readonly string[];
}

export function isDeviceRule(rule: AlertRule): rule is DeviceRule {
  return rule.kind !== 'rollout_failed';
}

export function inScope(scope: RuleScope, device: DeviceFacts): boolean {
  return (
    (scope.tag === undefined || device.tags.includes(scope.tag)) &&
    (scope.vm === undefined || device.vm === scope.vm) &&
    (scope.board === undefined || device.board === scope.board)
  );
}
