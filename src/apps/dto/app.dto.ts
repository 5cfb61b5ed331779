import { z } from 'zod';
import { openApiSchema } from '../../common/zod';
import { vmKindSchema } from '../../protocol';
import type { App as ApiApp } from '../../protocol/api';
import type { App, AppFilter } from '../domain/app';
import {
  APP_NAME_PATTERN,
  appOrigin,
  BENCHMARK_APP_PREFIX,
  MAX_PAYLOAD_BYTES,
  MAX_VERSION_LENGTH,
  SEMVER_PATTERN,
} from '../domain/app-rules';

export const appNameSchema = z
  .string()
  .regex(APP_NAME_PATTERN, '1-64 chars of a-z 0-9 . _ -, starting with a letter or digit');

export const appVersionSchema = z
  .string()
  .max(MAX_VERSION_LENGTH, `at most ${MAX_VERSION_LENGTH} chars`)
  .regex(SEMVER_PATTERN, 'a semantic version x.y.z or x.y.z-pre, e.g. 1.2.0 or 2.0.0-rc.1');

/** Multipart fields arrive as text; sizes are whole numbers of bytes. */
const byteCount = z
  .string()
  .regex(/^\d{1,10}$/, 'a whole number of bytes')
  .transform(Number)
  .refine((n) => n <= 0xffffffff, 'at most 4294967295 bytes');

/** The text fields of POST /api/apps; the payload comes as the file field `file`. */
export const uploadAppSchema = z.object({
  name: appNameSchema.refine(
    (name) => appOrigin(name) === 'user',
    `names starting with "${BENCHMARK_APP_PREFIX}" are kept for the gateway's benchmark images; pick another name`,
  ),
  version: appVersionSchema,
  vm: vmKindSchema,
  ramBytes: byteCount.optional(),
  flashBytes: byteCount.optional(),
});
export type UploadAppInput = z.infer<typeof uploadAppSchema>;

/** OpenAPI for the multipart body: the text fields plus the binary `file`. */
export function uploadAppOpenApi(): Record<string, unknown> {
  const fields = openApiSchema(uploadAppSchema) as {
    properties: Record<string, unknown>;
    required?: string[];
  };
  return {
    type: 'object',
    properties: {
      file: {
        type: 'string',
        format: 'binary',
        description: `the payload for the VM kind, at most ${MAX_PAYLOAD_BYTES} bytes`,
      },
      ...fields.properties,
    },
    required: ['file', ...(fields.required ?? [])],
  };
}

export const listAppsQuerySchema = z.object({
  name: appNameSchema.optional(),
  vm: vmKindSchema.optional(),
  /** Benchmark images too; they are left out by default unless asked for by name. */
  all: z
    .enum(['true', 'false'])
    .transform((v) => v === 'true')
    .optional(),
});
export type ListAppsQuery = z.infer<typeof listAppsQuerySchema>;

/** The repository filter for a list query: the user's own apps unless told otherwise. */
export function appFilterOf(query: ListAppsQuery): AppFilter {
  const everything = query.all === true || query.name !== undefined;
  return {
    ...(query.name === undefined ? {} : { name: query.name }),
    ...(query.vm === undefined ? {} : { vm: query.vm }),
    ...(everything ? {} : { origin: 'user' as const }),
  };
}

/** The app as the API shows it: digest in hex, time as ISO. */
export function appView(a: App) {
  return {
    ...a,
    origin: appOrigin(a.name),
    needs: { ...a.needs },
    createdAt: new Date(a.createdAt).toISOString(),
  } satisfies ApiApp;
}
export type AppView = ReturnType<typeof appView>;
