import type { Encoding } from '../src/protocol';
import type { BackoffPolicy } from './link/backoff';
import { LinkStoppedError } from './link/link-errors';
import { DeviceCredentials, TransportKind, VirtualDevice } from './virtual-device';

export interface FleetOptions {
  /** Default 'mqtt'. */
  transport?: TransportKind;
  /** Required on MQTT. */
  mqttUrl?: string;
  /** Required on CoAP: coap://host:5683. */
  coapUrl?: string;
  devices: DeviceCredentials[];
  telemetryIntervalMs?: number;
  seed?: number;
  log?: (message: string) => void;
  /** Called after each device has connected: (connected so far, total). */
  onProgress?: (connected: number, total: number) => void;
  /** Connects in flight at once. Default 20, so a large fleet does not flood the broker. */
  concurrency?: number;
  encoding?: Encoding;
  backoff?: BackoffPolicy;
  /** Aborting stops every device and rejects start(), e.g. on Ctrl-C while the gateway is down. */
  signal?: AbortSignal;
}

export interface FleetStats {
  total: number;
  connected: number;
  telemetrySent: number;
  errorsReceived: number;
  reconnects: number;
}

export interface DeviceStartFailure {
  deviceId: string;
  error: Error;
}

/** Some devices of a fleet could not start; the fleet was stopped again. */
export class FleetStartError extends Error {
  readonly code = 'fleet_start_failed';
  constructor(
    readonly failures: DeviceStartFailure[],
    total: number,
  ) {
    const shown = failures.slice(0, 5).map((f) => `${f.deviceId}: ${f.error.message}`);
    const more = failures.length > 5 ? `; and ${failures.length - 5} more` : '';
    super(`${failures.length} of ${total} devices failed to start: ${shown.join('; ')}${more}`);
  }
}

/** start() was aborted through its signal; every device was stopped again. */
export class FleetStartAbortedError extends Error {
  readonly code = 'aborted';
  constructor(connected: number, total: number) {
    super(`fleet start aborted with ${connected} of ${total} devices connected`);
  }
}

export const DEFAULT_FLEET_CONCURRENCY = 20;

/** Many virtual devices in one process, started a bounded number at a time. */
export class Fleet {
  private constructor(readonly devices: readonly VirtualDevice[]) {}

  /**
   * Starts every device and resolves when all are connected. On the first failure (for
   * example a refused token) no further devices are started, every device is stopped
   * again and the promise rejects with a FleetStartError naming the failed devices.
   */
  static async start(options: FleetOptions): Promise<Fleet> {
    assertUniqueIds(options.devices);
    options.signal?.throwIfAborted();
    const devices = options.devices.map(
      (credentials) =>
        new VirtualDevice({
          credentials,
          transport: options.transport,
          mqttUrl: options.mqttUrl,
          coapUrl: options.coapUrl,
          telemetryIntervalMs: options.telemetryIntervalMs,
          seed: options.seed,
          encoding: options.encoding,
          backoff: options.backoff,
          log: options.log,
        }),
    );
    const fleet = new Fleet(devices);
    const { signal } = options;
    const onAbort = () => void fleet.stop();
    signal?.addEventListener('abort', onAbort, { once: true });
    let outcome: StartOutcome;
    try {
      outcome = await fleet.startAll(options);
    } finally {
      signal?.removeEventListener('abort', onAbort);
    }
    if (signal?.aborted || outcome.failures.length > 0) {
      await fleet.stop();
      if (outcome.failures.length > 0) throw new FleetStartError(outcome.failures, devices.length);
      throw new FleetStartAbortedError(outcome.connected, devices.length);
    }
    return fleet;
  }

  async stop(): Promise<void> {
    await Promise.all(this.devices.map((device) => device.stop()));
  }

  stats(): FleetStats {
    const stats: FleetStats = {
      total: this.devices.length,
      connected: 0,
      telemetrySent: 0,
      errorsReceived: 0,
      reconnects: 0,
    };
    for (const device of this.devices) {
      const one = device.stats();
      if (one.connected) stats.connected++;
      stats.telemetrySent += one.telemetrySent;
      stats.errorsReceived += one.errorsReceived;
      stats.reconnects += one.reconnects;
    }
    return stats;
  }

  /** A worker pool: `concurrency` workers each take the next device until none is left. */
  private async startAll(options: FleetOptions): Promise<StartOutcome> {
    const total = this.devices.length;
    const failures: DeviceStartFailure[] = [];
    let next = 0;
    let connected = 0;
    const worker = async (): Promise<void> => {
      while (next < total && failures.length === 0 && !options.signal?.aborted) {
        const device = this.devices[next++];
        try {
          await device.start();
          connected++;
          options.onProgress?.(connected, total);
        } catch (error) {
          failures.push({ deviceId: device.id, error: error as Error });
          // Devices other workers are still connecting would otherwise hold this up.
          await this.stop();
        }
      }
    };
    const concurrency = Math.max(1, options.concurrency ?? DEFAULT_FLEET_CONCURRENCY);
    await Promise.all(Array.from({ length: Math.min(concurrency, total) }, worker));
    // Devices stopped because another failed (or on abort) are not failures of their own.
    return { connected, failures: failures.filter((f) => !(f.error instanceof LinkStoppedError)) };
  }
}

interface StartOutcome {
  connected: number;
  failures: DeviceStartFailure[];
}

function assertUniqueIds(devices: DeviceCredentials[]): void {
  const seen = new Set<string>();
  for (const { id } of devices) {
    // Two clients with one id would take each other over ([MQTT-3.1.4-2]) in a loop.
    if (seen.has(id)) throw new Error(`device id "${id}" appears twice in the fleet`);
    seen.add(id);
  }
}
