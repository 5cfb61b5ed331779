import { z } from 'zod';
import { appOrigin } from '../../apps/domain/app-rules';
import { appNameSchema, appVersionSchema } from '../../apps/dto/app.dto';
import { deviceIdSchema, MAX_HEALTH_WINDOW_MS, tagSchema } from '../../protocol';
import type { Deployment as ApiDeployment, DeploymentTarget } from '../../protocol/api';
import type { Deployment, DeviceRollout, RolloutState } from '../domain/deployment';
import { ROLLOUT_STATES } from '../domain/deployment';

/** Most devices one deployment may name explicitly (a tag reaches any number). */
export const MAX_TARGET_DEVICES = 10_000;
export const DEFAULT_FAILURE_THRESHOLD = 10;
export const DEFAULT_HEALTH_WINDOW_MS = 10_000;

const strategySchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('all-at-once') }),
  z.object({ kind: z.literal('canary'), count: z.number().int().min(1).max(MAX_TARGET_DEVICES) }),
  z.object({
    kind: z.literal('waves'),
    percents: z
      .array(z.number().min(1).max(100))
      .min(1)
      .max(20)
      .refine((p) => p.every((v, i) => i === 0 || v > p[i - 1]), 'percents must ascend')
      .refine((p) => p[p.length - 1] === 100, 'the last wave must be 100 (percent, cumulative)'),
  }),
]);

export const createDeploymentSchema = z.object({
  app: z.object({ name: appNameSchema, version: appVersionSchema }),
  target: z.union([
    z.object({ devices: z.array(deviceIdSchema).min(1).max(MAX_TARGET_DEVICES) }).strict(),
    z.object({ tag: tagSchema }).strict(),
  ]),
  strategy: strategySchema.default({ kind: 'all-at-once' }),
  /** Percent of failed devices above which the rollout halts. */
  failureThreshold: z.number().int().min(0).max(100).default(DEFAULT_FAILURE_THRESHOLD),
  healthWindowMs: z
    .number()
    .int()
    .min(0)
    .max(MAX_HEALTH_WINDOW_MS)
    .default(DEFAULT_HEALTH_WINDOW_MS),
});
export type CreateDeploymentInput = z.infer<typeof createDeploymentSchema>;

export const deploymentIdParamSchema = z
  .string()
  .regex(/^\d{1,9}$/, 'a deployment id: a positive whole number')
  .transform(Number);

export const listDeploymentsQuerySchema = z.object({
  status: z.enum(['running', 'paused', 'halted', 'completed', 'cancelled']).optional(),
  limit: z
    .string()
    .regex(/^\d{1,4}$/)
    .transform(Number)
    .optional(),
  /** Benchmark campaigns' deployments too; they are left out by default. */
  all: z
    .enum(['true', 'false'])
    .transform((v) => v === 'true')
    .optional(),
});

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

export function deploymentView(d: Deployment, counts: Record<RolloutState, number>) {
  return {
    ...d,
    // Spread into plain objects: the domain's interfaces carry no index signature.
    app: { ...d.app },
    strategy: { ...d.strategy },
    target: { ...d.target },
    origin: appOrigin(d.app.name),
    createdAt: new Date(d.createdAt).toISOString(),
    updatedAt: new Date(d.updatedAt).toISOString(),
    finishedAt: iso(d.finishedAt),
    devices: Object.values(counts).reduce((a, b) => a + b, 0),
    counts,
  } satisfies ApiDeployment;
}

export function deviceRolloutView(e: DeviceRollout, bytesSent: number) {
  return {
    deviceId: e.deviceId,
    wave: e.wave,
    state: e.state,
    code: e.code,
    reason: e.reason,
    updatedAt: new Date(e.updatedAt).toISOString(),
    bytesSent,
    history: e.history.map((h) => ({ ...h, at: iso(h.at)! })),
  } satisfies DeploymentTarget;
}

export { ROLLOUT_STATES };
