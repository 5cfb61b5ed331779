import { PipeTransform } from '@nestjs/common';
import { z } from 'zod';
import { describeIssues } from '../protocol/zod-issues';
import { InvalidInputError } from './domain-error';

/** Parses with a zod schema or throws InvalidInputError listing every issue. */
export function parseOrThrow<T extends z.ZodType>(
  schema: T,
  value: unknown,
  what: string,
): z.output<T> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issues = result.error.issues.map((i) => describeIssues([i], what));
  throw new InvalidInputError(`invalid ${what}: ${issues.join('; ')}`, issues);
}

/** A Nest pipe over the same zod schema the transports use, so HTTP and MQTT agree. */
export class ZodPipe<T extends z.ZodType> implements PipeTransform<unknown, z.output<T>> {
  constructor(
    private readonly schema: T,
    private readonly what = 'request',
  ) {}

  transform(value: unknown): z.output<T> {
    return parseOrThrow(this.schema, value, this.what);
  }
}

/**
 * JSON Schema for OpenAPI from a zod schema: `input` for a request body (what the pipe
 * accepts, defaults optional), `output` for a response (what a client parses).
 */
export function openApiSchema(
  schema: z.ZodType,
  io: 'input' | 'output' = 'input',
): Record<string, unknown> {
  const json: Record<string, unknown> = z.toJSONSchema(schema, { unrepresentable: 'any', io });
  delete json.$schema; // an OpenAPI 3.0 schema object has no $schema keyword
  return json;
}

/** The `content` of an OpenAPI response that is not JSON: a text or binary body. */
export function nonJsonContent(
  ...types: string[]
): Record<string, { schema: Record<string, unknown> }> {
  const schema = (type: string) =>
    type.startsWith('text/') || type.includes('svg')
      ? { type: 'string' }
      : { type: 'string', format: 'binary' };
  return Object.fromEntries(types.map((type) => [type, { schema: schema(type) }]));
}
