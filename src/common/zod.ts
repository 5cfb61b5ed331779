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

/** JSON Schema for OpenAPI from a zod schema. */
export function openApiSchema(schema: z.ZodType): Record<string, unknown> {
  return z.toJSONSchema(schema, { unrepresentable: 'any', io: 'input' });
}
