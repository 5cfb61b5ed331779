import type { ZodType } from 'zod';
import {
  createdDeviceSchema,
  deviceListSchema,
  deviceSchema,
  errorBodySchema,
  fleetSummarySchema,
  healthSchema,
  telemetrySeriesSchema,
  type CreatedDevice,
  type Device,
  type DeviceFilter,
  type FleetSummary,
  type Health,
  type NewDevice,
  type TagChange,
  type TelemetryQuery,
  type TelemetrySeries,
} from './api-types';

/** The gateway answered with an error: `{statusCode, code, message}` (CONTRACT.md, REST). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** No HTTP answer at all: nothing listens at the URL, DNS failed, or the request timed out. */
export class GatewayUnreachableError extends Error {
  constructor(
    readonly url: string,
    readonly reason: string,
  ) {
    super(`cannot reach the vmfleet gateway at ${url} (${reason})`);
    this.name = 'GatewayUnreachableError';
  }
}

export interface ApiClientOptions {
  baseUrl: string;
  token?: string;
  timeoutMs?: number;
  fetch?: typeof fetch;
}

type Query = Record<string, string | undefined>;

interface RequestSpec<T> {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  path: string;
  query?: Query;
  body?: unknown;
  schema?: ZodType<T>;
  auth?: boolean;
}

/** Typed client for the vmfleet REST API; one method per endpoint the CLI uses. */
export class ApiClient {
  readonly baseUrl: string;
  private readonly token?: string;
  private readonly timeoutMs: number;
  private readonly fetchFn: typeof fetch;

  constructor(options: ApiClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.token = options.token;
    this.timeoutMs = options.timeoutMs ?? 15_000;
    this.fetchFn = options.fetch ?? fetch;
  }

  get hasToken(): boolean {
    return Boolean(this.token);
  }

  health(): Promise<Health> {
    return this.request({ method: 'GET', path: '/api/health', schema: healthSchema, auth: false });
  }

  async listDevices(filter: DeviceFilter = {}): Promise<Device[]> {
    const online = filter.online === undefined ? undefined : String(filter.online);
    const query = { tag: filter.tag, vm: filter.vm, online };
    const list = await this.request({
      method: 'GET',
      path: '/api/devices',
      query,
      schema: deviceListSchema,
    });
    return list.items;
  }

  getDevice(id: string): Promise<Device> {
    return this.request({ method: 'GET', path: devicePath(id), schema: deviceSchema });
  }

  createDevice(device: NewDevice): Promise<CreatedDevice> {
    return this.request({
      method: 'POST',
      path: '/api/devices',
      body: device,
      schema: createdDeviceSchema,
    });
  }

  async deleteDevice(id: string): Promise<void> {
    await this.request({ method: 'DELETE', path: devicePath(id) });
  }

  updateTags(id: string, change: TagChange): Promise<Device> {
    const path = `${devicePath(id)}/tags`;
    return this.request({ method: 'PATCH', path, body: change, schema: deviceSchema });
  }

  telemetry(id: string, query: TelemetryQuery = {}): Promise<TelemetrySeries> {
    return this.request({
      method: 'GET',
      path: `${devicePath(id)}/telemetry`,
      query: { from: query.from, to: query.to, step: query.step },
      schema: telemetrySeriesSchema,
    });
  }

  fleetSummary(): Promise<FleetSummary> {
    return this.request({ method: 'GET', path: '/api/fleet/summary', schema: fleetSummarySchema });
  }

  private async request<T>(spec: RequestSpec<T>): Promise<T> {
    const url = this.urlFor(spec.path, spec.query);
    const response = await this.send(url, spec);
    const text = await response.text();
    if (!response.ok) throw errorFromResponse(response, text);
    if (!spec.schema) return undefined as T;
    return parseBody(spec.schema, text, `${spec.method} ${spec.path}`);
  }

  private async send<T>(url: string, spec: RequestSpec<T>): Promise<Response> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (spec.auth !== false && this.token) headers.authorization = `Bearer ${this.token}`;
    if (spec.body !== undefined) headers['content-type'] = 'application/json';
    try {
      return await this.fetchFn(url, {
        method: spec.method,
        headers,
        body: spec.body === undefined ? undefined : JSON.stringify(spec.body),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (err) {
      throw new GatewayUnreachableError(this.baseUrl, describeFetchFailure(err, this.timeoutMs));
    }
  }

  private urlFor(path: string, query: Query = {}): string {
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(query)) {
      if (value !== undefined && value !== '') params.set(key, value);
    }
    const qs = params.toString();
    return `${this.baseUrl}${path}${qs ? `?${qs}` : ''}`;
  }
}

function devicePath(id: string): string {
  return `/api/devices/${encodeURIComponent(id)}`;
}

function parseBody<T>(schema: ZodType<T>, text: string, what: string): T {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new ApiError(0, 'invalid_response', `${what} did not return JSON`);
  }
  const parsed = schema.safeParse(json);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const where = issue?.path.length ? issue.path.join('.') : 'body';
  throw new ApiError(
    0,
    'invalid_response',
    `${what} returned an unexpected ${where}: ${issue?.message}`,
  );
}

/** Maps an error response to ApiError, keeping the server's code and message when it sent them. */
export function errorFromResponse(response: Response, text: string): ApiError {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  const parsed = errorBodySchema.safeParse(body);
  if (parsed.success) {
    const { message } = parsed.data;
    return new ApiError(response.status, parsed.data.code, [message].flat().join('; '));
  }
  const snippet = text.trim().slice(0, 200);
  const message = snippet || response.statusText || 'no error message';
  return new ApiError(response.status, `http_${response.status}`, message);
}

// Duck-typed rather than `instanceof`: fetch's errors may come from another realm (Jest).
function describeFetchFailure(err: unknown, timeoutMs: number): string {
  const error = (err ?? {}) as { name?: string; message?: string; cause?: unknown };
  if (error.name === 'TimeoutError') return `no answer within ${timeoutMs / 1000}s`;
  const cause = (error.cause ?? {}) as { code?: unknown; message?: unknown };
  if (typeof cause.code === 'string') return cause.code;
  if (typeof cause.message === 'string') return cause.message;
  return typeof error.message === 'string' ? error.message : String(err);
}
