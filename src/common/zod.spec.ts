import { z } from 'zod';
import { nonJsonContent, openApiSchema } from './zod';

describe('openApiSchema', () => {
  const schema = z.looseObject({
    name: z.string(),
    repetitions: z.number().default(5),
    note: z.string().optional(),
  });

  it('documents a request body as the pipe takes it: defaulted fields optional', () => {
    expect(openApiSchema(schema)).toMatchObject({ type: 'object', required: ['name'] });
  });

  it('documents a response as a client parses it: defaulted fields always there', () => {
    expect(openApiSchema(schema, 'output')).toMatchObject({
      type: 'object',
      required: ['name', 'repetitions'],
      properties: { name: { type: 'string' }, repetitions: { type: 'number' } },
    });
  });

  it('leaves out the $schema keyword, which OpenAPI 3.0 schema objects do not have', () => {
    expect(openApiSchema(schema, 'output')).not.toHaveProperty('$schema');
    expect(openApiSchema(schema)).not.toHaveProperty('$schema');
  });
});

describe('nonJsonContent', () => {
  it('gives text a string schema and bytes a binary one', () => {
    expect(nonJsonContent('text/csv; charset=utf-8', 'application/octet-stream')).toEqual({
      'text/csv; charset=utf-8': { schema: { type: 'string' } },
      'application/octet-stream': { schema: { type: 'string', format: 'binary' } },
    });
  });
});
