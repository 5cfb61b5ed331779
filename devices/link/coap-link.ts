import { EventEmitter } from 'node:events';
import {
  COAP_CONTENT_FORMAT,
  COAP_DEFAULT_LIFETIME_S,
  coapUplinkPath,
  Encoding,
  encodePayload,
  HelloMessage,
  OtaFetch,
  UpChannel,
} from '../../src/protocol';
import type { Random } from '../prng';
import { BackoffPolicy, ReconnectSupervisor } from './backoff';
import { sendBody } from './coap-blockwise';
import { type CoapEndpointAddress, parseCoapUrl, uintOption } from './coap-codec';
import {
  attach,
  closeConnection,
  type CoapConnection as Connection,
  createConnection,
  leave,
} from './coap-connection';
import {
  type CoapResponse,
  CoapTimeoutError,
  type CoapTimings,
  DEFAULT_COAP_TIMINGS,
} from './coap-endpoint';
import {
  otaChunk,
  SESSION_REFRESH_AT as REFRESH_AT,
  SessionExpiredError,
  uplinkFailure,
} from './coap-session';
import { AuthRefusedError, LinkStoppedError } from './link-errors';
import type { DeviceTransport, TransportEvents } from './transport';

export interface CoapLinkOptions {
  deviceId: string;
  token: string;
  /** coap://host:port (default port 5683) */
  coapUrl: string;
  encoding?: Encoding;
  /** Asked on every registration, so the birth message reflects the device as it is then. */
  hello: () => HelloMessage;
  backoff?: BackoffPolicy;
  /** Jitter source for backoff and retransmission timeouts; seeded by the device. */
  random?: Random;
  /** Session lifetime asked for at registration, in seconds (60..86400); default 300. */
  lifetimeSeconds?: number;
  /** RFC 7252 §4.8 transmission parameters; default 2 s, 1.5, 4 retransmissions. */
  timings?: Partial<CoapTimings>;
  /**
   * Re-observe after this long without a notification; default the notifications'
   * Max-Age, or 80 % of the session lifetime when they carry none.
   */
  observeCheckMs?: number;
  /** How long stop() waits for the gateway to confirm the deregistration; default 2 s. */
  stopTimeoutMs?: number;
  log?: (message: string) => void;
}

const DEFAULT_STOP_TIMEOUT_MS = 2_000;

/**
 * A device's CoAP link to the gateway (docs/protocol.md §11): registers with its
 * credentials and hello, observes `/v1/down` for downlinks, and POSTs uplinks with the
 * session in the query. A 4.01 means the session is gone (gateway restart, expiry): the
 * link registers and observes again and retries once. Losing the gateway altogether
 * (a CON never acknowledged) closes the socket and reconnects on a new one with backoff.
 */
export class CoapLink extends EventEmitter<TransportEvents> implements DeviceTransport {
  private connection: Connection | null = null;
  private ready = false;
  private stopped = false;
  private connects = 0;
  private readonly reconnects: ReconnectSupervisor;
  private refreshTimer: NodeJS.Timeout | undefined;
  private renewal: Promise<void> | null = null;
  private startPromise: Promise<void> | null = null;
  private settleStart: ((error?: Error) => void) | null = null;
  private readonly address: CoapEndpointAddress;
  private readonly timings: CoapTimings;
  private readonly encoding: Encoding;
  private readonly random: Random;
  private readonly closedBytes = { read: 0, written: 0 };

  constructor(private readonly options: CoapLinkOptions) {
    super();
    this.address = parseCoapUrl(options.coapUrl);
    this.timings = { ...DEFAULT_COAP_TIMINGS, ...options.timings };
    this.encoding = options.encoding ?? 'cbor';
    this.random = options.random ?? Math.random;
    this.reconnects = new ReconnectSupervisor({
      connect: () => this.connect(),
      stopped: () => this.stopped,
      random: this.random,
      policy: options.backoff,
      onReconnecting: (notice) => this.emit('reconnecting', notice),
    });
  }

  get connected(): boolean {
    return this.ready;
  }

  /** UDP payload bytes this link sent and received, over every socket so far. */
  wireBytes(): { read: number; written: number } {
    const now = this.connection?.endpoint.bytes ?? { read: 0, written: 0 };
    return {
      read: this.closedBytes.read + now.read,
      written: this.closedBytes.written + now.written,
    };
  }

  /**
   * Drops the link as a network loss would: the socket closes without deregistering,
   * so the gateway keeps the session until its lifetime runs out, and the link comes
   * back on a new socket with its backoff.
   */
  dropConnection(): void {
    if (this.connection) this.lose(this.connection, new Error('network lost (simulated)'));
  }

  /** Resolves on the first registration; rejects when the gateway refuses the credentials. */
  start(): Promise<void> {
    if (this.startPromise) return this.startPromise;
    if (this.stopped) return Promise.reject(new LinkStoppedError(this.options.deviceId));
    this.startPromise = new Promise<void>((resolve, reject) => {
      this.settleStart = (error) => {
        this.settleStart = null;
        if (error) reject(error);
        else resolve();
      };
    });
    this.connect();
    return this.startPromise;
  }

  /**
   * Cancels the observation and deregisters, waiting stopTimeoutMs at most (the gateway
   * may be gone), then closes the socket.
   */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.reconnects.cancel();
    this.settleStart?.(new LinkStoppedError(this.options.deviceId));
    const connection = this.connection;
    if (!connection) return;
    if (this.ready) await leave(connection, this.options.stopTimeoutMs ?? DEFAULT_STOP_TIMEOUT_MS);
    this.close(connection, null);
  }

  /**
   * POSTs to `/v1/{channel}`: QoS 1 as CON, QoS 0 as NON. An OTA `fetch` becomes a Block2
   * GET of the payload instead, answered by a synthetic `chunk` downlink. Rejects with a
   * CoapResponseError when the gateway refuses the body.
   */
  async publish(channel: UpChannel, body: object, qos: 0 | 1): Promise<void> {
    const connection = this.connection;
    if (!connection || !this.ready) {
      throw new Error(`device "${this.options.deviceId}" is not connected`);
    }
    if (channel === 'ota' && isFetch(body)) return this.fetchOta(connection, body);
    const payload = encodePayload(body, this.encoding);
    const confirmable = qos === 1;
    const response = await this.withSession(connection, confirmable, (query) =>
      sendBody(connection.endpoint, {
        method: 'POST',
        path: coapUplinkPath(channel),
        query,
        options: [uintOption('Content-Format', COAP_CONTENT_FORMAT[this.encoding])],
        payload,
        confirmable,
      }),
    );
    const failure = uplinkFailure(channel, response);
    if (!failure) return;
    if (failure.downlink) this.emit('downlink', failure.downlink);
    throw failure.error;
  }

  /**
   * CON although the agent asks again by itself: a lost datagram is resent within
   * seconds rather than after the agent's retry timer, and the piggybacked answer costs
   * no extra datagram.
   */
  private async fetchOta(connection: Connection, fetch: OtaFetch): Promise<void> {
    const response = await this.withSession(connection, true, (query) =>
      connection.session.requestBlock(fetch, query, this.encoding),
    );
    const chunk = otaChunk(fetch, response);
    if (chunk) this.emit('downlink', { channel: 'update', body: chunk });
    else this.log(`ota ${fetch.deployment} at ${fetch.offset}: no block (${response.code})`);
  }

  /**
   * Runs a request on the current session; a 4.01 (session gone) renews the session and
   * runs it once more. A CON never acknowledged means the gateway is unreachable.
   */
  private async withSession(
    connection: Connection,
    confirmable: boolean,
    send: (query: string[]) => Promise<CoapResponse>,
  ): Promise<CoapResponse> {
    const { session } = connection;
    const attempt = async () => {
      try {
        return await send(session.query());
      } catch (error) {
        if (confirmable && error instanceof CoapTimeoutError) this.lose(connection, error);
        throw error;
      }
    };
    const sentWith = session.id;
    let response = await attempt();
    if (response.code === '4.01') {
      // A renewal since the request went out already replaced the session it named.
      if (session.id === sentWith) await this.renew(connection, 'session expired (4.01)');
      response = await attempt();
    }
    if (response.code !== '4.01') session.answered();
    return response;
  }

  private connect(): void {
    const { options } = this;
    const connection = createConnection({
      address: this.address,
      timings: this.timings,
      random: this.random,
      device: {
        deviceId: options.deviceId,
        token: options.token,
        encoding: this.encoding,
        lifetimeSeconds: options.lifetimeSeconds ?? COAP_DEFAULT_LIFETIME_S,
        hello: options.hello,
      },
      observeCheckMs: options.observeCheckMs,
      onDownlink: (result) => {
        if (result.ok) this.emit('downlink', result.message);
        else this.log(`ignoring a notification: ${result.reason}`);
      },
      onStale: (stale, reason) => void this.reobserve(stale, reason),
      log: (line) => this.log(line),
    });
    this.connection = connection;
    connection.endpoint
      .open()
      .then(() => attach(connection))
      .then(
        () => this.onAttached(connection),
        (error: Error) => this.lose(connection, error),
      );
  }

  private onAttached(connection: Connection): void {
    if (connection !== this.connection || this.stopped) return;
    this.reconnects.succeeded();
    this.announce(true);
    this.armRefresh(connection);
  }

  private announce(up: boolean, cause: string | null = null): void {
    if (this.ready === up) return;
    this.ready = up;
    if (!up) return void this.emit('disconnect', { cause });
    this.connects++;
    this.emit('connect', { reconnect: this.connects > 1 });
    this.settleStart?.();
  }

  /**
   * Registers and observes again on the same socket: after a 4.01 (a `cause`: the device
   * was offline meanwhile, so disconnect and connect are emitted) or to refresh an idle
   * session before its lifetime runs out (null). Concurrent callers share one renewal.
   */
  private renew(connection: Connection, cause: string | null): Promise<void> {
    this.renewal ??= (async () => {
      if (cause !== null) this.announce(false, cause);
      try {
        await attach(connection);
      } catch (error) {
        this.lose(connection, error as Error);
        throw error;
      }
      this.onAttached(connection);
    })().finally(() => {
      this.renewal = null;
    });
    return this.renewal;
  }

  /** RFC 7641 §3.3.1: no notification for a while, so the observation may be gone. */
  private async reobserve(connection: Connection, reason: string): Promise<void> {
    if (connection !== this.connection || this.renewal) return;
    this.log(`observing again: ${reason}`);
    try {
      await connection.observation.register(connection.session.query());
      connection.session.answered();
    } catch (error) {
      if (error instanceof SessionExpiredError) {
        await this.renew(connection, error.message).catch(() => undefined);
      } else {
        this.lose(connection, error as Error);
      }
    }
  }

  private armRefresh(connection: Connection): void {
    clearTimeout(this.refreshTimer);
    const { session } = connection;
    const dueAt = () => session.lastAnsweredAt + session.lifetimeMs * REFRESH_AT;
    this.refreshTimer = setTimeout(
      () => {
        if (connection !== this.connection) return;
        if (Date.now() < dueAt()) return this.armRefresh(connection);
        void this.renew(connection, null).catch(() => undefined);
      },
      Math.max(0, dueAt() - Date.now()),
    );
  }

  /** The gateway is unreachable or refused us: close this socket and come back later. */
  private lose(connection: Connection, error: Error): void {
    if (connection !== this.connection) return;
    this.close(connection, error);
    if (this.stopped) return;
    if (error instanceof AuthRefusedError && this.settleStart) {
      // First refusal while start() waits: report it instead of retrying a bad token.
      this.stopped = true;
      this.settleStart(error);
      return;
    }
    this.reconnects.schedule(error);
  }

  private close(connection: Connection, error: Error | null): void {
    if (connection !== this.connection) return;
    this.connection = null;
    clearTimeout(this.refreshTimer);
    closeConnection(connection);
    this.closedBytes.read += connection.endpoint.bytes.read;
    this.closedBytes.written += connection.endpoint.bytes.written;
    this.announce(false, error?.message ?? null);
  }

  private log(message: string): void {
    this.options.log?.(`[${this.options.deviceId}] ${message}`);
  }
}

function isFetch(body: object): body is OtaFetch {
  return (body as { kind?: unknown }).kind === 'fetch';
}
