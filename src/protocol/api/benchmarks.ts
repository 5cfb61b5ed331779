import { z } from 'zod';

/* Benchmark campaign and footprint responses (REST /api/benchmarks, docs/benchmarks.md). */

export const campaignSchema = z.looseObject({
  id: z.number(),
  name: z.string().nullable(),
  status: z.string(),
  reason: z.string().nullable(),
  programs: z.array(z.string()),
  /** Only these VMs; null: each device's own VM kind, plus native unless turned off. */
  vms: z.array(z.string()).nullable(),
  native: z.boolean(),
  repetitions: z.number(),
  /** The compiler profile of the C images (O2 or Os); older gateways leave it out. */
  profile: z.string().optional(),
  sequential: z.boolean(),
  target: z.union([
    z.looseObject({ devices: z.array(z.string()) }),
    z.looseObject({ tag: z.string() }),
  ]),
  devices: z.array(z.looseObject({ id: z.string(), board: z.string(), vm: z.string() })),
  plannedRuns: z.number(),
  recordedRuns: z.number(),
  counts: z.record(z.string(), z.number()),
  createdAt: z.string(),
  updatedAt: z.string(),
  finishedAt: z.string().nullable(),
});
export type Campaign = z.infer<typeof campaignSchema>;

export const campaignListSchema = z.looseObject({ items: z.array(campaignSchema) });

const nullableNumber = z.number().nullable();

/** One recorded run of `GET /api/benchmarks/:id/runs`; `at` is Unix ms. */
export const runRecordSchema = z.looseObject({
  campaignId: z.number(),
  deviceId: z.string(),
  board: z.string(),
  program: z.string(),
  suite: z.string(),
  vm: z.string(),
  engineVersion: z.string(),
  repetition: z.number(),
  status: z.string(),
  reason: z.string().nullable(),
  codeBytes: nullableNumber,
  flashBytes: nullableNumber,
  ramBytes: nullableNumber,
  loadMs: nullableNumber,
  execMs: nullableNumber,
  instructions: nullableNumber,
  at: z.number(),
});
export type RunRecord = z.infer<typeof runRecordSchema>;

export const runListSchema = z.looseObject({ items: z.array(runRecordSchema) });
export type RunList = z.infer<typeof runListSchema>;

/** The sections of one RIOT build (`size` of the ELF), as `vmfleet-footprint/1` has them. */
const sectionsShape = {
  textBytes: z.number().optional(),
  dataBytes: z.number().optional(),
  bssBytes: z.number().optional(),
};

const footprintRowSchema = z.looseObject({
  vm: z.string(),
  riot: z.string(),
  builtAt: z.string(),
  ...sectionsShape,
  romBytes: z.number(),
  romOverBaseline: z.number().nullable(),
  staticRamBytes: z.number(),
  staticRamOverBaseline: z.number().nullable(),
  runtimePeak: z
    .looseObject({
      bytes: z.number(),
      devices: z.number(),
      heapPeakBytes: z.number().nullish(),
      stackUsedBytes: z.number().nullish(),
      deviceId: z.string().optional(),
    })
    .nullable(),
});

const footprintBuildSchema = z.looseObject({
  board: z.string(),
  vm: z.string(),
  uploadedAt: z.string(),
  riot: z.string().optional(),
  builtAt: z.string().optional(),
  ...sectionsShape,
});

/** `GET /api/benchmarks/footprints`: the stored builds and, per board, the VMs over none. */
export const footprintsSchema = z.looseObject({
  builds: z.array(footprintBuildSchema),
  boards: z.array(
    z.looseObject({
      board: z.string(),
      baselineRiot: z.string().nullable(),
      rows: z.array(footprintRowSchema),
    }),
  ),
});
export type Footprints = z.infer<typeof footprintsSchema>;
export type BoardFootprint = Footprints['boards'][number];
