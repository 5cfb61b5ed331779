import { startTestGateway, type TestGateway } from './support/gateway';

interface OpenApiResponse {
  description?: string;
  content?: Record<string, { schema?: Record<string, unknown> }>;
}
interface OpenApiDocument {
  paths: Record<string, Record<string, { responses?: Record<string, OpenApiResponse> }>>;
}

const METHODS = ['get', 'post', 'put', 'patch', 'delete'];

/** Reports as JSON (`?format=json`): their shape belongs to the renderers, not to src/protocol/api. */
const FREE_FORM_JSON = new Set([
  '/api/benchmarks/{id}/report',
  '/api/benchmarks/{id}/compare/{other}',
]);

/**
 * Why a route's documented success falls short, or null: a 2xx answer must carry a JSON
 * schema with properties (the shared ones of src/protocol/api), name a non-JSON content
 * type, or be a 204 with no body.
 */
function shortfall(path: string, responses: Record<string, OpenApiResponse> = {}): string | null {
  const ok = Object.entries(responses).filter(([status]) => /^2\d\d$/.test(status));
  if (ok.length === 0) return 'no 2xx response';
  for (const [status, response] of ok) {
    if (status === '204') continue;
    const content = Object.entries(response.content ?? {});
    if (content.length === 0) return `${status} without content`;
    for (const [type, { schema }] of content) {
      if (!schema) return `${status} ${type} without a schema`;
      const described = schema.properties !== undefined || FREE_FORM_JSON.has(path);
      if (type.includes('json') && !described) return `${status} ${type}: no properties`;
    }
  }
  return null;
}

describe('OpenAPI document (e2e): every route declares what it answers', () => {
  let gw: TestGateway;
  let doc: OpenApiDocument;

  beforeAll(async () => {
    gw = await startTestGateway();
    doc = (await (await fetch(`${gw.httpUrl}/api/docs-json`)).json()) as OpenApiDocument;
  });
  afterAll(async () => {
    await gw.stop();
  });

  it('lists the REST routes', () => {
    const routes = Object.values(doc.paths).flatMap((ops) =>
      Object.keys(ops).filter((m) => METHODS.includes(m)),
    );
    expect(routes.length).toBeGreaterThanOrEqual(35);
  });

  it('gives every path and method a 2xx with a schema or a declared content type', () => {
    const missing = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.entries(ops)
        .filter(([method]) => METHODS.includes(method))
        .map(([method, op]) => [`${method.toUpperCase()} ${path}`, shortfall(path, op.responses)])
        .filter(([, why]) => why !== null),
    );
    expect(missing).toEqual([]);
  });

  it.each([
    ['/api/devices', 'get', '200', ['items']],
    ['/api/devices/{id}', 'get', '200', ['id', 'board', 'vm', 'online', 'latest']],
    ['/api/devices', 'post', '201', ['device', 'token', 'signingKey']],
    ['/api/apps', 'get', '200', ['items']],
    ['/api/deployments/{id}', 'get', '200', ['id', 'status', 'counts', 'targets']],
    ['/api/devices/{id}/telemetry', 'get', '200', ['deviceId', 'stepMs', 'points']],
    ['/api/benchmarks/{id}', 'get', '200', ['id', 'plannedRuns', 'recordedRuns']],
    ['/api/health', 'get', '200', ['status', 'version', 'mqtt']],
  ])('%s %s answers %s with the shared schema', (path, method, status, fields) => {
    const schema = doc.paths[path]?.[method]?.responses?.[status]?.content?.['application/json']
      ?.schema as { properties?: Record<string, unknown> } | undefined;
    expect(Object.keys(schema?.properties ?? {})).toEqual(expect.arrayContaining(fields));
  });

  it.each([
    ['/api/benchmarks/{id}/report', ['text/markdown', 'text/csv', 'image/svg+xml']],
    ['/api/devices/{id}/events/stream', ['text/event-stream']],
    ['/api/apps/{name}/{version}/payload', ['application/octet-stream']],
  ])('%s declares its content types', (path, types) => {
    const content = Object.keys(doc.paths[path]?.get?.responses?.['200']?.content ?? {});
    for (const type of types) expect(content.some((c) => c.startsWith(type))).toBe(true);
  });

  it('answers 204 routes with no body', () => {
    expect(doc.paths['/api/devices/{id}']?.delete?.responses?.['204']).toBeDefined();
    expect(doc.paths['/api/apps/{name}/{version}']?.delete?.responses?.['204']).toBeDefined();
  });
});
