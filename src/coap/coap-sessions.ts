import { randomBytes } from 'node:crypto';
import type { Encoding, HelloMessage } from '../protocol';

/** Where notifications for a device go: the open Observe stream of its `/v1/down`. */
export interface DownlinkObserver {
  notify(payload: Buffer, encoding: Encoding): void;
  /** Ends the observation (the device registers or observes anew). */
  end(): void;
}

export interface CoapSession {
  readonly id: string;
  readonly deviceId: string;
  /** The endpoint (address:port) that registered: the only one the session works from. */
  readonly endpoint: string;
  readonly lifetimeMs: number;
  readonly hello: HelloMessage;
  encoding: Encoding;
  observer: DownlinkObserver | null;
  /** The hello was routed: the first observation made the device online. */
  announced: boolean;
  /** The last notification too large for one datagram, served on by Block2 (RFC 7959 §3.4). */
  large: { payload: Buffer; etag: Buffer } | null;
  timer: NodeJS.Timeout;
}

/**
 * Registered CoAP devices. A session lives `lifetime` seconds past the device's last
 * request; when it runs out, or the device registers again, `expired` is told, which is
 * what the MQTT last will is on the other transport. A session is bound to the endpoint
 * that registered: its id from anywhere else is refused until the device registers again.
 */
export class CoapSessions {
  private readonly byId = new Map<string, CoapSession>();
  private readonly byDevice = new Map<string, CoapSession>();

  constructor(private readonly expired: (session: CoapSession) => void) {}

  open(
    deviceId: string,
    endpoint: string,
    hello: HelloMessage,
    lifetimeS: number,
    encoding: Encoding,
  ): CoapSession {
    const previous = this.byDevice.get(deviceId);
    if (previous) this.close(previous, false);
    const session: CoapSession = {
      id: randomBytes(16).toString('base64url'),
      deviceId,
      endpoint,
      lifetimeMs: lifetimeS * 1000,
      hello,
      encoding,
      observer: null,
      announced: false,
      large: null,
      timer: this.arm(deviceId, lifetimeS * 1000),
    };
    this.byId.set(session.id, session);
    this.byDevice.set(deviceId, session);
    return session;
  }

  /**
   * The live session with this id, its lifetime renewed; 'unknown' when unknown or over,
   * 'elsewhere' when it belongs to another endpoint (and is left as it is).
   */
  touch(id: string, endpoint: string): CoapSession | 'unknown' | 'elsewhere' {
    const session = this.byId.get(id);
    if (!session) return 'unknown';
    if (session.endpoint !== endpoint) return 'elsewhere';
    clearTimeout(session.timer);
    session.timer = this.arm(session.deviceId, session.lifetimeMs);
    return session;
  }

  ofDevice(deviceId: string): CoapSession | undefined {
    return this.byDevice.get(deviceId);
  }

  /** Ends a session; `notify` says whether the device counts as gone (expired, goodbye). */
  close(session: CoapSession, notify: boolean): void {
    clearTimeout(session.timer);
    if (this.byId.get(session.id) !== session) return;
    this.byId.delete(session.id);
    if (this.byDevice.get(session.deviceId) === session) this.byDevice.delete(session.deviceId);
    const observer = session.observer;
    session.observer = null;
    observer?.end();
    if (notify) this.expired(session);
  }

  closeAll(): void {
    for (const session of [...this.byId.values()]) this.close(session, false);
  }

  get size(): number {
    return this.byId.size;
  }

  private arm(deviceId: string, ms: number): NodeJS.Timeout {
    const timer = setTimeout(() => {
      const session = this.byDevice.get(deviceId);
      if (session?.timer === timer) this.close(session, true);
    }, ms);
    timer.unref();
    return timer;
  }
}
