import { z } from 'zod';
import { deviceIdSchema, tagSchema, vmKindSchema } from '../../protocol';
import type { Campaign as ApiCampaign } from '../../protocol/api';
import { type Campaign, profileOf } from '../domain/campaign';
import {
  BENCH_SUITES,
  BUILD_PROFILES,
  DEFAULT_BUILD_PROFILE,
  NATIVE_VM,
} from '../../protocol/bench-catalog';
import type { RunStatus } from '../domain/results';

export const MAX_CAMPAIGN_DEVICES = 1000;

export const createCampaignSchema = z
  .object({
    name: z.string().min(1).max(80).optional(),
    /** One or more suites, or `programs` naming programs of any suite. */
    suite: z.union([z.enum(BENCH_SUITES), z.array(z.enum(BENCH_SUITES)).min(1)]).optional(),
    programs: z
      .array(z.string().regex(/^[a-z0-9-]{1,32}$/))
      .min(1)
      .max(50)
      .optional(),
    /** Only these VMs; default: each device's own VM kind plus native. */
    vms: z
      .array(z.union([vmKindSchema, z.literal(NATIVE_VM)]))
      .min(1)
      .optional(),
    target: z.union([
      z.object({ devices: z.array(deviceIdSchema).min(1).max(MAX_CAMPAIGN_DEVICES) }).strict(),
      z.object({ tag: tagSchema }).strict(),
    ]),
    repetitions: z.number().int().min(1).max(50).default(5),
    /** The compiler profile of the C images (mips1, ebpf, wasm): O2 or Os. */
    profile: z.enum(BUILD_PROFILES).default(DEFAULT_BUILD_PROFILE),
    native: z.boolean().default(true),
    sequential: z.boolean().default(false),
    offlineGraceMs: z.number().int().min(0).max(3_600_000).default(60_000),
  })
  .refine((c) => c.suite !== undefined || c.programs !== undefined, {
    message: 'give a suite (coisa, embench) or a list of programs',
    path: ['suite'],
  });
export type CreateCampaignInput = z.infer<typeof createCampaignSchema>;

export const campaignIdParamSchema = z
  .string()
  .regex(/^\d{1,9}$/, 'a campaign id: a positive whole number')
  .transform(Number);

export const reportQuerySchema = z.object({
  format: z.enum(['md', 'csv', 'json', 'svg']).default('md'),
});

export const compareQuerySchema = z.object({ format: z.enum(['md', 'json']).default('md') });

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

export function campaignView(c: Campaign, counts: Record<RunStatus, number>) {
  const recorded = Object.values(counts).reduce((a, b) => a + b, 0);
  return {
    id: c.id,
    name: c.name,
    status: c.status,
    reason: c.reason,
    programs: c.spec.programs.map((p) => p.program),
    vms: c.spec.vms,
    native: c.spec.native,
    repetitions: c.spec.repetitions,
    profile: profileOf(c.spec),
    sequential: c.spec.sequential,
    target: c.spec.target,
    devices: c.devices.map((d) => ({ ...d })),
    plannedRuns: c.plannedRuns,
    recordedRuns: recorded,
    counts,
    createdAt: new Date(c.createdAt).toISOString(),
    updatedAt: new Date(c.updatedAt).toISOString(),
    finishedAt: iso(c.finishedAt),
  } satisfies ApiCampaign;
}
