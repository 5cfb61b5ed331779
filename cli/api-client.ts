import type { ZodType } from 'zod';
import {
  ApiError,
  describeFetchFailure,
  errorFromResponse,
  GatewayUnreachableError,
  parseBody,
} from './api-response';
import {
  createdDeviceSchema,
  deviceEventListSchema,
  deviceEventSchema,
  deviceListSchema,
  deviceSchema,
  fleetSummarySchema,
  healthSchema,
  injectResultSchema,
  monitorReplySchema,
  telemetrySeriesSchema,
  type CreatedDevice,
  type Device,
  type DeviceEvent,
  type DeviceFilter,
  type EventInjection,
  type EventQuery,
  type FleetSummary,
  type Health,
  type InjectResult,
  type MonitorReply,
  type MonitorRequest,
  type NewDevice,
  type TagChange,
  type TelemetryQuery,
  type TelemetrySeries,
} from './api-types';
import { readSse, type SseMessage } from './sse';

export { ApiError, errorFromResponse, GatewayUnreachableError } from './api-response';

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
  /** Overrides the client's timeout, e.g. for a monitor command the gateway waits on. */
  timeoutMs?: number;
}

/** The gateway waits up to `timeoutMs` for the device; this client waits that long and then some. */
const MONITOR_DEFAULT_TIMEOUT_MS = 5000;
const MONITOR_HTTP_MARGIN_MS = 5000;

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

  /** Sends one Thing Monitor command to a device through the gateway and returns its result. */
  monitor<R extends MonitorRequest>(
    deviceId: string,
    request: R,
    timeoutMs?: number,
  ): Promise<MonitorReply<R['op']>> {
    const waitMs = (timeoutMs ?? MONITOR_DEFAULT_TIMEOUT_MS) + MONITOR_HTTP_MARGIN_MS;
    return this.request({
      method: 'POST',
      path: `${devicePath(deviceId)}/monitor`,
      body: { ...request, timeoutMs },
      schema: monitorReplySchema<R['op']>(request.op),
      timeoutMs: Math.max(this.timeoutMs, waitMs),
    });
  }

  async listEvents(deviceId: string, query: EventQuery = {}): Promise<DeviceEvent[]> {
    const list = await this.request({
      method: 'GET',
      path: `${devicePath(deviceId)}/events`,
      query: { since: query.since, limit: query.limit?.toString(), kind: query.kind },
      schema: deviceEventListSchema,
    });
    return list.items;
  }

  injectEvent(deviceId: string, injection: EventInjection): Promise<InjectResult> {
    return this.request({
      method: 'POST',
      path: `${devicePath(deviceId)}/events`,
      body: injection,
      schema: injectResultSchema,
    });
  }

  /**
   * Opens `GET /api/devices/:id/events/stream` and resolves once the gateway has answered, so
   * events that happen from then on are not missed. The iterable ends when the stream does;
   * aborting `signal` ends it with an AbortError. Only connecting is subject to the timeout.
   */
  async openEventStream(
    deviceId: string,
    signal: AbortSignal,
  ): Promise<AsyncIterable<DeviceEvent>> {
    const path = `${devicePath(deviceId)}/events/stream`;
    const controller = new AbortController();
    // Without a reason, so fetch fails with an AbortError rather than with the bare reason.
    const abort = (): void => controller.abort();
    const release = (): void => signal.removeEventListener('abort', abort);
    signal.addEventListener('abort', abort, { once: true });
    if (signal.aborted) abort();
    const timeout = new DOMException('connect timeout', 'TimeoutError');
    const timer = setTimeout(() => controller.abort(timeout), this.timeoutMs);
    try {
      const response = await this.send(this.urlFor(path), {
        method: 'GET',
        path,
        accept: 'text/event-stream',
        signal: controller.signal,
      });
      if (!response.ok) throw errorFromResponse(response, await response.text());
      const type = response.headers.get('content-type') ?? '';
      if (!type.startsWith('text/event-stream') || !response.body) {
        await response.body?.cancel();
        throw new ApiError(0, 'invalid_response', `GET ${path} did not return an event stream`);
      }
      return eventsOf(readSse(response.body), `GET ${path}`, release);
    } catch (err) {
      release();
      throw err;
    } finally {
      clearTimeout(timer);
    }
  }

  private async request<T>(spec: RequestSpec<T>): Promise<T> {
    const url = this.urlFor(spec.path, spec.query);
    const response = await this.send(url, spec);
    const text = await response.text();
    if (!response.ok) throw errorFromResponse(response, text);
    if (!spec.schema) return undefined as T;
    return parseBody(spec.schema, text, `${spec.method} ${spec.path}`);
  }

  private async send<T>(
    url: string,
    spec: RequestSpec<T> & { accept?: string; signal?: AbortSignal },
  ): Promise<Response> {
    const timeoutMs = spec.timeoutMs ?? this.timeoutMs;
    const headers: Record<string, string> = { accept: spec.accept ?? 'application/json' };
    if (spec.auth !== false && this.token) headers.authorization = `Bearer ${this.token}`;
    if (spec.body !== undefined) headers['content-type'] = 'application/json';
    try {
      return await this.fetchFn(url, {
        method: spec.method,
        headers,
        body: spec.body === undefined ? undefined : JSON.stringify(spec.body),
        signal: spec.signal ?? AbortSignal.timeout(timeoutMs),
      });
    } catch (err) {
      if (spec.signal?.aborted && (err as Error).name === 'AbortError') throw err;
      throw new GatewayUnreachableError(this.baseUrl, describeFetchFailure(err, timeoutMs));
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

const EVENT_MESSAGE_TYPES = new Set(['message', 'publish', 'emit', 'vm']);

/** Parses each event of the stream; messages of other types (none in the contract yet) are skipped. */
async function* eventsOf(
  messages: AsyncIterable<SseMessage>,
  what: string,
  done: () => void,
): AsyncGenerator<DeviceEvent> {
  try {
    for await (const m of messages) {
      if (EVENT_MESSAGE_TYPES.has(m.event)) {
        yield parseBody(deviceEventSchema, m.data, `${what} (event ${m.event})`);
      }
    }
  } finally {
    done();
  }
}
