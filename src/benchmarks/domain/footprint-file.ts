import { z } from 'zod';
import { boardSchema, VM_KINDS } from '../../protocol/vm';

/**
 * `firmware/riot/bin/footprint.json` as `firmware/riot/build-all.sh` writes it: one entry
 * per VM and board that built, the ELF's sections by `size` (native64) or
 * `arm-none-eabi-size` (ARM boards). The CLI uploads it as it is; the gateway checks it
 * with this schema (docs/benchmarks.md, "VM footprint").
 */
export const FOOTPRINT_SCHEMA = 'vmfleet-footprint/1';

/** The build with no VM engine (the agent alone) that every VM build is measured against. */
export const BASELINE_VM = 'none';
export const FOOTPRINT_VMS = [BASELINE_VM, ...VM_KINDS] as const;
export type FootprintVm = (typeof FOOTPRINT_VMS)[number];

/** Builds in one file at most: VMs × boards with room to spare. */
export const MAX_FOOTPRINT_BUILDS = 256;
/** 1 TiB: far above any firmware, low enough to stay exact as a JS number and a bigint. */
const MAX_SECTION_BYTES = 2 ** 40;

const sectionBytes = (section: string) =>
  z
    .number({ error: `the ${section} section's size in bytes, a number` })
    .int(`the ${section} section's size in whole bytes`)
    .min(0, `the ${section} section's size cannot be negative`)
    .max(MAX_SECTION_BYTES, `the ${section} section's size is above 1 TiB: not a firmware`);

export const footprintBuildSchema = z
  .object({
    vm: z.enum(FOOTPRINT_VMS, {
      error: `the VM of the build: one of ${FOOTPRINT_VMS.join(', ')} (none: the agent alone)`,
    }),
    board: boardSchema,
    /** RIOT's commit (`git rev-parse HEAD` of RIOTBASE), or "unknown". */
    riot: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, "RIOT's commit hash (or unknown), 1-64 chars"),
    textBytes: sectionBytes('text'),
    dataBytes: sectionBytes('data'),
    bssBytes: sectionBytes('bss'),
    builtAt: z.iso.datetime({ message: 'an ISO 8601 time, e.g. 2026-12-03T15:16:29.875Z' }),
  })
  .strict();
export type FootprintBuildInput = z.infer<typeof footprintBuildSchema>;

export const footprintFileSchema = z
  .object({
    schema: z.literal(FOOTPRINT_SCHEMA, {
      error: `"schema" must be "${FOOTPRINT_SCHEMA}": the file firmware/riot/build-all.sh writes`,
    }),
    builds: z
      .array(footprintBuildSchema)
      .min(1, 'no builds: run firmware/riot/build-all.sh until at least one build succeeds')
      .max(MAX_FOOTPRINT_BUILDS, `at most ${MAX_FOOTPRINT_BUILDS} builds`),
  })
  .strict()
  .superRefine((file, ctx) => {
    const seen = new Set<string>();
    file.builds.forEach((b, i) => {
      const key = `${b.board}/${b.vm}`;
      if (seen.has(key)) {
        ctx.addIssue({
          code: 'custom',
          path: ['builds', i],
          message: `a second build of VM ${b.vm} on ${b.board}: one entry per VM and board`,
        });
      }
      seen.add(key);
    });
  });
export type FootprintFile = z.infer<typeof footprintFileSchema>;
