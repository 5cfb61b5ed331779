import { Injectable, Logger } from '@nestjs/common';
import { MetricsService, type Transport } from './metrics.service';

/** More takeovers of one device than this within WINDOW_MS is two clients fighting over it. */
export const TAKEOVER_WARN_THRESHOLD = 5;
export const TAKEOVER_WINDOW_MS = 60_000;

interface DeviceTakeovers {
  /** Unix ms of the takeovers within the window, oldest first. */
  at: number[];
  /** When this device was last warned about; one warning per window. */
  warnedAt: number | null;
}

/**
 * Counts session takeovers per device: a device connecting (MQTT, [MQTT-3.1.4-2]) or
 * registering (CoAP) while its previous session is still live takes it over. Once in a
 * while that is a device that restarted; many times a minute it is two clients with the
 * same credentials taking the session from each other, which neither of them notices.
 * One warning per device and window, not a line per takeover.
 */
export class TakeoverRate {
  private readonly devices = new Map<string, DeviceTakeovers>();

  constructor(
    private readonly threshold = TAKEOVER_WARN_THRESHOLD,
    private readonly windowMs = TAKEOVER_WINDOW_MS,
  ) {}

  /** Records one takeover; the count within the window when it calls for a warning, else null. */
  record(deviceId: string, now: number): number | null {
    const entry = this.devices.get(deviceId) ?? { at: [], warnedAt: null };
    this.devices.set(deviceId, entry);
    entry.at = entry.at.filter((t) => now - t < this.windowMs);
    entry.at.push(now);
    if (entry.at.length <= this.threshold) return null;
    if (entry.warnedAt !== null && now - entry.warnedAt < this.windowMs) return null;
    entry.warnedAt = now;
    return entry.at.length;
  }

  /** Forgets devices with no takeover in the window, so the map stays the size of the trouble. */
  prune(now: number): void {
    for (const [id, entry] of this.devices) {
      const last = entry.at[entry.at.length - 1] ?? 0;
      if (now - last >= this.windowMs) this.devices.delete(id);
    }
  }
}

/** The gateway's takeover log and counter, shared by the transports. */
@Injectable()
export class SessionTakeovers {
  private readonly logger = new Logger('Sessions');
  private readonly rate = new TakeoverRate();
  private recorded = 0;

  constructor(private readonly metrics: MetricsService) {}

  record(transport: Transport, deviceId: string, now = Date.now()): void {
    this.metrics.sessionTakeovers.inc({ transport });
    if (++this.recorded % 1000 === 0) this.rate.prune(now);
    const count = this.rate.record(deviceId, now);
    if (count === null) {
      this.logger.debug(`${deviceId} (${transport}): a new session took over the live one`);
      return;
    }
    this.logger.warn(
      `${deviceId} (${transport}): session taken over ${count} times in the last ` +
        `${TAKEOVER_WINDOW_MS / 1000}s: two clients are using this device's credentials ` +
        '(e.g. two `vmfleet sim` runs with the same ids) and keep taking the session from ' +
        'each other; stop one of them',
    );
  }
}
