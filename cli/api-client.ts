import { ApiError, errorFromResponse, parseBody } from './api-response';
import {
  appListSchema,
  appSchema,
  createdDeviceSchema,
  deviceEventListSchema,
  deviceEventSchema,
  deviceListSchema,
  deviceSchema,
  fleetSummarySchema,
  healthSchema,
  injectResultSchema,
  monitorReplySchema,
  signingKeySchema,
  deploymentSchema,
  deploymentDetailSchema,
  deploymentListSchema,
  type Deployment,
  type DeploymentDetail,
  telemetrySeriesSchema,
  type App,
  type CreatedDevice,
  type Device,
  type DeviceEvent,
  type FleetSummary,
  type Health,
  type InjectResult,
  type MonitorReply,
  rotatedTokenSchema,
  type RotatedToken,
  type SigningKey,
  type TelemetrySeries,
} from '../src/protocol/api';
import type {
  CreateDeployment,
  AppFilter,
  DeviceFilter,
  EventInjection,
  EventQuery,
  MonitorRequest,
  NewApp,
  NewDevice,
  TagChange,
  TelemetryQuery,
} from './api-requests';
import { ApiTransport, type ApiClientOptions } from './api-transport';
import { readSse, type SseMessage } from './sse';

export { ApiError, errorFromResponse, GatewayUnreachableError } from './api-response';
export type { ApiClientOptions } from './api-transport';

/** The gateway waits up to `timeoutMs` for the device; this client waits that long and then some. */
const MONITOR_DEFAULT_TIMEOUT_MS = 5000;
const MONITOR_HTTP_MARGIN_MS = 5000;

/** Typed client for the vmfleet REST API; one method per endpoint the CLI uses. */
export class ApiClient {
  readonly baseUrl: string;
  private readonly http: ApiTransport;

  constructor(options: ApiClientOptions) {
    this.http = new ApiTransport(options);
    this.baseUrl = this.http.baseUrl;
  }

  get hasToken(): boolean {
    return this.http.hasToken;
  }

  health(): Promise<Health> {
    return this.http.request({
      method: 'GET',
      path: '/api/health',
      schema: healthSchema,
      auth: false,
    });
  }

  async listDevices(filter: DeviceFilter = {}): Promise<Device[]> {
    const online = filter.online === undefined ? undefined : String(filter.online);
    const query = { tag: filter.tag, vm: filter.vm, online, transport: filter.transport };
    const list = await this.http.request({
      method: 'GET',
      path: '/api/devices',
      query,
      schema: deviceListSchema,
    });
    return list.items;
  }

  getDevice(id: string): Promise<Device> {
    return this.http.request({ method: 'GET', path: devicePath(id), schema: deviceSchema });
  }

  createDevice(device: NewDevice): Promise<CreatedDevice> {
    return this.http.request({
      method: 'POST',
      path: '/api/devices',
      body: device,
      schema: createdDeviceSchema,
    });
  }

  async deleteDevice(id: string): Promise<void> {
    await this.http.request({ method: 'DELETE', path: devicePath(id) });
  }

  /** A new device token (the answer is the only place it appears); the old one lasts graceSeconds. */
  rotateToken(id: string, graceSeconds = 0): Promise<RotatedToken> {
    return this.http.request({
      method: 'POST',
      path: `${devicePath(id)}/token`,
      body: { graceSeconds },
      schema: rotatedTokenSchema,
    });
  }

  revokeDevice(id: string): Promise<Device> {
    const path = `${devicePath(id)}/revoke`;
    return this.http.request({ method: 'POST', path, schema: deviceSchema });
  }

  updateTags(id: string, change: TagChange): Promise<Device> {
    const path = `${devicePath(id)}/tags`;
    return this.http.request({ method: 'PATCH', path, body: change, schema: deviceSchema });
  }

  telemetry(id: string, query: TelemetryQuery = {}): Promise<TelemetrySeries> {
    return this.http.request({
      method: 'GET',
      path: `${devicePath(id)}/telemetry`,
      query: { from: query.from, to: query.to, step: query.step },
      schema: telemetrySeriesSchema,
    });
  }

  fleetSummary(): Promise<FleetSummary> {
    return this.http.request({
      method: 'GET',
      path: '/api/fleet/summary',
      schema: fleetSummarySchema,
    });
  }

  /** Sends one Thing Monitor command to a device through the gateway and returns its result. */
  monitor<R extends MonitorRequest>(
    deviceId: string,
    request: R,
    timeoutMs?: number,
  ): Promise<MonitorReply<R['op']>> {
    const waitMs = (timeoutMs ?? MONITOR_DEFAULT_TIMEOUT_MS) + MONITOR_HTTP_MARGIN_MS;
    return this.http.request({
      method: 'POST',
      path: `${devicePath(deviceId)}/monitor`,
      body: { ...request, timeoutMs },
      schema: monitorReplySchema<R['op']>(request.op),
      timeoutMs: Math.max(this.http.timeoutMs, waitMs),
    });
  }

  async listEvents(deviceId: string, query: EventQuery = {}): Promise<DeviceEvent[]> {
    const list = await this.http.request({
      method: 'GET',
      path: `${devicePath(deviceId)}/events`,
      query: { since: query.since, limit: query.limit?.toString(), kind: query.kind },
      schema: deviceEventListSchema,
    });
    return list.items;
  }

  injectEvent(deviceId: string, injection: EventInjection): Promise<InjectResult> {
    return this.http.request({
      method: 'POST',
      path: `${devicePath(deviceId)}/events`,
      body: injection,
      schema: injectResultSchema,
    });
  }

  /** Uploads a payload to the app repository; the gateway validates and signs it. */
  pushApp(app: NewApp): Promise<App> {
    return this.http.request({
      method: 'POST',
      path: '/api/apps',
      form: appForm(app),
      schema: appSchema,
    });
  }

  /** Apps of the repository, newest first. */
  async listApps(filter: AppFilter = {}): Promise<App[]> {
    const query = { name: filter.name, vm: filter.vm, all: filter.all ? 'true' : undefined };
    const list = await this.http.request({
      method: 'GET',
      path: '/api/apps',
      query,
      schema: appListSchema,
    });
    return list.items;
  }

  getApp(name: string, version: string): Promise<App> {
    return this.http.request({ method: 'GET', path: appPath(name, version), schema: appSchema });
  }

  async deleteApp(name: string, version: string): Promise<void> {
    await this.http.request({ method: 'DELETE', path: appPath(name, version) });
  }

  /** The payload bytes exactly as pushed. */
  downloadAppPayload(name: string, version: string): Promise<Uint8Array> {
    const path = `${appPath(name, version)}/payload`;
    return this.http.requestBytes({ method: 'GET', path }, 'application/octet-stream');
  }

  /** The signed manifest: a COSE_Sign1 (RFC 9052 §4.2), CBOR tag 18. */
  downloadAppManifest(name: string, version: string): Promise<Uint8Array> {
    const path = `${appPath(name, version)}/manifest`;
    return this.http.requestBytes({ method: 'GET', path }, 'application/cose');
  }

  createDeployment(body: CreateDeployment): Promise<Deployment> {
    return this.http.request({
      method: 'POST',
      path: '/api/deployments',
      body,
      schema: deploymentSchema,
    });
  }

  /** `all`: benchmark campaigns' deployments too; left out by default. */
  listDeployments(status?: string, options: { all?: boolean } = {}): Promise<Deployment[]> {
    const query = { status, all: options.all ? 'true' : undefined };
    return this.http
      .request({ method: 'GET', path: '/api/deployments', query, schema: deploymentListSchema })
      .then((list) => list.items);
  }

  getDeployment(id: number): Promise<DeploymentDetail> {
    return this.http.request({
      method: 'GET',
      path: `/api/deployments/${id}`,
      schema: deploymentDetailSchema,
    });
  }

  /** pause, resume or cancel. */
  deploymentAction(id: number, action: 'pause' | 'resume' | 'cancel'): Promise<Deployment> {
    return this.http.request({
      method: 'POST',
      path: `/api/deployments/${id}/${action}`,
      schema: deploymentSchema,
    });
  }

  /** The gateway's public key that app manifests are signed with. */
  signingKey(): Promise<SigningKey> {
    return this.http.request({ method: 'GET', path: '/api/signing-key', schema: signingKeySchema });
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
    const timer = setTimeout(() => controller.abort(timeout), this.http.timeoutMs);
    try {
      const response = await this.http.send(this.http.urlFor(path), {
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
}

function devicePath(id: string): string {
  return `/api/devices/${encodeURIComponent(id)}`;
}

function appPath(name: string, version: string): string {
  return `/api/apps/${encodeURIComponent(name)}/${encodeURIComponent(version)}`;
}

/** Text fields first, then the file, so a streaming parser knows them before the bytes. */
function appForm(app: NewApp): FormData {
  const form = new FormData();
  form.set('name', app.name);
  form.set('version', app.version);
  form.set('vm', app.vm);
  if (app.ramBytes !== undefined) form.set('ramBytes', String(app.ramBytes));
  if (app.flashBytes !== undefined) form.set('flashBytes', String(app.flashBytes));
  const file = new Blob([app.payload], { type: 'application/octet-stream' });
  form.set('file', file, app.fileName);
  return form;
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
