import { z } from 'zod';

/**
 * The keys of `value` that `schema` does not name, as paths (`$.items[0].onlin`). The
 * shared response schemas are loose objects, so parsing alone lets a renamed optional
 * field through; a test that checks real responses wants both: parses, and nothing unknown.
 */
export function unknownKeys(schema: z.ZodType, value: unknown, at = '$'): string[] {
  if (value === null || value === undefined) return [];
  if (
    schema instanceof z.ZodOptional ||
    schema instanceof z.ZodNullable ||
    schema instanceof z.ZodDefault
  )
    return unknownKeys(schema.unwrap() as z.ZodType, value, at);
  if (schema instanceof z.ZodPipe) return unknownKeys(schema.in as z.ZodType, value, at);
  if (schema instanceof z.ZodArray && Array.isArray(value))
    return value.flatMap((v, i) => unknownKeys(schema.element as z.ZodType, v, `${at}[${i}]`));
  if (schema instanceof z.ZodRecord && typeof value === 'object')
    return Object.entries(value).flatMap(([k, v]) =>
      unknownKeys(schema.valueType as z.ZodType, v, `${at}.${k}`),
    );
  if (schema instanceof z.ZodUnion) return unknownKeysOfUnion(schema.options, value, at);
  if (schema instanceof z.ZodObject && typeof value === 'object') {
    const shape = schema.shape as Record<string, z.ZodType>;
    return Object.entries(value).flatMap(([k, v]) =>
      k in shape ? unknownKeys(shape[k], v, `${at}.${k}`) : [`${at}.${k}`],
    );
  }
  return [];
}

/** A union names a key when the option the value parses with names it. */
function unknownKeysOfUnion(options: readonly unknown[], value: unknown, at: string): string[] {
  const matching = (options as z.ZodType[]).filter((o) => o.safeParse(value).success);
  const found = matching.map((o) => unknownKeys(o, value, at));
  return found.sort((a, b) => a.length - b.length)[0] ?? [];
}

/** What a response body lacks or carries beyond its schema, as one list (empty: it fits). */
export function misfits(schema: z.ZodType, body: unknown): string[] {
  const parsed = schema.safeParse(body);
  const issues = parsed.success
    ? []
    : parsed.error.issues.map((i) => `$.${i.path.join('.')}: ${i.message}`);
  return [...issues, ...unknownKeys(schema, body).map((k) => `${k}: not in the schema`)];
}
