import { z } from 'zod';

/* Deployment responses (REST /api/deployments). States are plain strings for clients. */

const rolloutCountsSchema = z.record(z.string(), z.number());

export const deploymentSchema = z.looseObject({
  id: z.number(),
  app: z.looseObject({ name: z.string(), version: z.string(), vm: z.string() }),
  strategy: z.looseObject({ kind: z.string() }),
  failureThreshold: z.number(),
  healthWindowMs: z.number(),
  status: z.string(),
  currentWave: z.number(),
  waveCount: z.number(),
  reason: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
  finishedAt: z.string().nullable(),
  devices: z.number(),
  counts: rolloutCountsSchema,
  /** "user" or "benchmark"; older gateways leave it out. */
  origin: z.string().optional(),
  target: z
    .union([z.looseObject({ devices: z.array(z.string()) }), z.looseObject({ tag: z.string() })])
    .optional(),
});
export type Deployment = z.infer<typeof deploymentSchema>;

export const deploymentTargetSchema = z.looseObject({
  deviceId: z.string(),
  wave: z.number(),
  state: z.string(),
  code: z.string().nullable(),
  reason: z.string().nullable(),
  updatedAt: z.string(),
  bytesSent: z.number(),
  /** Every state the device went through, oldest first. */
  history: z
    .array(
      z.looseObject({
        state: z.string(),
        at: z.string(),
        code: z.string().optional(),
        reason: z.string().optional(),
      }),
    )
    .optional(),
});
export type DeploymentTarget = z.infer<typeof deploymentTargetSchema>;

export const deploymentDetailSchema = deploymentSchema.extend({
  targets: z.array(deploymentTargetSchema),
});
export type DeploymentDetail = z.infer<typeof deploymentDetailSchema>;

export const deploymentListSchema = z.looseObject({ items: z.array(deploymentSchema) });
