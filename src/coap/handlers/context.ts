import type { Logger } from '@nestjs/common';
import type { IncomingMessage, OutgoingMessage } from 'coap';
import type { InboundRouter } from '../../link/inbound-router';
import type { DeviceAuthenticator, LoginAttempts, PayloadSource } from '../../link/ports';
import type { MetricsService } from '../../metrics/metrics.service';
import type { SessionTakeovers } from '../../metrics/session-takeovers';
import type { KeyedQueue } from '../../link/keyed-queue';
import type { Connection } from '../../link/transport';
import type { CoapSession, CoapSessions } from '../coap-sessions';

/** A CoAP session lives in this instance's memory: this instance holds the device. */
export const VIA_COAP: Connection = { transport: 'coap', held: true };

/** What every resource handler may use: ports, the session table and the per-device queue. */
export interface CoapContext {
  readonly logger: Logger;
  /** The largest uplink body (docs/protocol.md §4). */
  readonly maxPayloadBytes: number;
  readonly sessions: CoapSessions;
  readonly queue: KeyedQueue;
  readonly router: InboundRouter;
  readonly authenticator: DeviceAuthenticator;
  readonly logins: LoginAttempts;
  readonly payloads: PayloadSource;
  readonly metrics: MetricsService;
  readonly takeovers: SessionTakeovers;
  /** Devices with a live session now (the connected-devices gauge). */
  connectedCount(): number;
  /** Runs a task in the device's queue; a failure is logged, never thrown. */
  enqueue(deviceId: string, what: string, task: () => Promise<unknown>): void;
}

/** One request as a handler sees it. */
export interface CoapExchange {
  readonly req: IncomingMessage;
  readonly res: OutgoingMessage;
  readonly url: URL;
  /** `address:port` of the requester. */
  readonly endpoint: string;
  /** The live session named by `?s=` from this endpoint; throws CoapError 4.01 otherwise. */
  session(): CoapSession;
  /** What the path names past its resource (the deployment of `/v1/ota/{id}`). */
  readonly param: string;
}

export type CoapHandler = (ctx: CoapContext, ex: CoapExchange) => void | Promise<void>;
