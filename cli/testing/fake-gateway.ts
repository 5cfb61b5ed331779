import type { Device, DeviceEvent, FleetSummary, TelemetrySeries } from '../../src/protocol/api';
import { FakeAppRepository } from './fake-app-repository';
import {
  startStubServer,
  type StubRequest,
  type StubResponse,
  type StubServer,
  type StubStream,
} from './stub-server';

/**
 * Test helper: an in-memory gateway speaking the REST contract for devices (enough for the
 * CLI's commands and `sim` provisioning) and the app repository, on a real HTTP server.
 */

export const TEST_TOKEN = 'test-api-token';

export function makeDevice(id: string, overrides: Partial<Device> = {}): Device {
  return {
    id,
    board: 'nrf52840',
    vm: { kind: 'wasm', version: null },
    tags: [],
    online: false,
    firmware: null,
    limits: null,
    lastSeenAt: null,
    connectedAt: null,
    createdAt: '2024-05-01T12:00:00.000Z',
    latest: null,
    ...overrides,
  };
}

let eventCounter = 0;

export function makeEvent(overrides: Partial<DeviceEvent> = {}): DeviceEvent {
  return {
    id: ++eventCounter,
    deviceId: 'lab-01',
    ts: '2024-05-01T12:00:00.000Z',
    kind: 'publish',
    name: 'temp',
    value: 21,
    ...overrides,
  };
}

/** One SSE message as the gateway frames it (MONITOR.md): `event: <kind>` and JSON data. */
export function sseMessage(event: DeviceEvent): string {
  return `event: ${event.kind}\ndata: ${JSON.stringify(event)}\n\n`;
}

export interface MonitorBody {
  op: string;
  args?: Record<string, unknown>;
  timeoutMs?: number;
}

export function fail(status: number, code: string, message: string): StubResponse {
  return { status, body: { statusCode: status, code, message } };
}

export class FakeGateway {
  readonly devices = new Map<string, Device>();
  telemetry: TelemetrySeries | null = null;
  summary: FleetSummary | null = null;
  /** Answers `POST …/monitor`; by default every device is offline. */
  monitor: (body: MonitorBody) => StubResponse = () =>
    fail(409, 'device_offline', 'device is not connected');
  events: DeviceEvent[] = [];
  /** One per `GET …/events/stream` connection, in order; then streams that stay silent. */
  streams: StubStream[] = [];
  /** Answers `POST …/events` (an injection). */
  inject: (body: unknown) => StubResponse = () => ({ status: 202, body: { queued: true } });
  /** `/api/apps…` and `/api/signing-key`. */
  readonly apps = new FakeAppRepository();
  private tokenCounter = 0;

  private constructor(private readonly server: StubServer) {}

  static async start(): Promise<FakeGateway> {
    const routes: { gateway?: FakeGateway } = {};
    // The server needs its handler before the gateway object exists to route to.
    const server = await startStubServer((req) => routes.gateway!.handle(req));
    routes.gateway = new FakeGateway(server);
    return routes.gateway;
  }

  get url(): string {
    return this.server.url;
  }

  get requests(): StubRequest[] {
    return this.server.requests;
  }

  close(): Promise<void> {
    return this.server.close();
  }

  private handle(req: StubRequest): StubResponse {
    if (req.path === '/api/health') {
      const mqtt = { port: 18830, wsPath: '/mqtt' };
      return {
        status: 200,
        body: { status: 'ok', version: '0.1.0', uptimeS: 1, database: 'sqlite', mqtt },
      };
    }
    if (req.headers.authorization !== `Bearer ${TEST_TOKEN}`) {
      return fail(401, 'unauthorized', 'missing or invalid API token');
    }
    if (this.apps.handles(req.path)) return this.apps.handle(req);
    if (req.path === '/api/devices') return this.devicesRoot(req);
    if (req.path === '/api/fleet/summary' && this.summary)
      return { status: 200, body: this.summary };
    const match = /^\/api\/devices\/([^/]+)(\/\w+(?:\/stream)?)?$/.exec(req.path);
    if (!match) return fail(404, 'not_found', `no route ${req.method} ${req.path}`);
    const device = this.devices.get(decodeURIComponent(match[1]));
    if (!device) return fail(404, 'device_not_found', `device ${match[1]} not found`);
    return this.deviceRoute(req, device, match[2]);
  }

  private devicesRoot(req: StubRequest): StubResponse {
    if (req.method === 'GET') return { status: 200, body: { items: [...this.devices.values()] } };
    const body = req.body as { id: string; board: string; vm: string; tags?: string[] };
    if (this.devices.has(body.id)) return fail(409, 'device_exists', `device ${body.id} exists`);
    const device = makeDevice(body.id, {
      board: body.board,
      vm: { kind: body.vm, version: null },
      tags: body.tags ?? [],
    });
    this.devices.set(device.id, device);
    return { status: 201, body: { device, token: `token-${++this.tokenCounter}` } };
  }

  private deviceRoute(req: StubRequest, device: Device, sub: string | undefined): StubResponse {
    if (sub === '/telemetry') return { status: 200, body: this.telemetry };
    if (sub === '/monitor') return this.monitor(req.body as MonitorBody);
    if (sub === '/events' && req.method === 'POST') return this.inject(req.body);
    if (sub === '/events') return { status: 200, body: { items: this.events } };
    if (sub === '/events/stream') {
      return { status: 200, stream: this.streams.shift() ?? { chunks: [], keepOpen: true } };
    }
    if (sub === '/tags') {
      const change = req.body as { add?: string[]; remove?: string[] };
      const tags = new Set([...device.tags, ...(change.add ?? [])]);
      for (const tag of change.remove ?? []) tags.delete(tag);
      device.tags = [...tags];
      return { status: 200, body: device };
    }
    if (req.method === 'DELETE') {
      this.devices.delete(device.id);
      return { status: 204 };
    }
    return { status: 200, body: device };
  }
}
