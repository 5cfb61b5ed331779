import { Logger } from '@nestjs/common';
import type { IncomingMessage, OutgoingMessage } from 'coap';
import { KeyedQueue } from '../../../link/keyed-queue';
import type { InboundRouter } from '../../../link/inbound-router';
import type { LoginDecision, PayloadTransfer } from '../../../link/ports';
import { MetricsService } from '../../../metrics/metrics.service';
import type { SessionTakeovers } from '../../../metrics/session-takeovers';
import { CoapSessions } from '../../coap-sessions';
import type { CoapContext, CoapExchange } from '../context';

/** A response that records what a handler answered. */
export class FakeResponse {
  code = '2.05';
  payload?: Buffer;
  writableEnded = false;
  readonly options = new Map<string, unknown>();

  setOption(name: string, value: unknown): void {
    this.options.set(name, value);
  }

  end(payload?: Buffer): void {
    this.payload = payload;
    this.writableEnded = true;
  }
}

export interface FakeWorld {
  ctx: CoapContext;
  routed: Array<{ deviceId: string; channel: string; delivery?: string; via?: unknown }>;
  logins: { failed: string[]; succeeded: string[]; decision: LoginDecision };
  accept: { token: string };
  payload: { transfer: PayloadTransfer | null | Error };
  durable: { result: Promise<void> };
}

/** A handler context on fakes: an authenticator taking one token, a recording router. */
export function fakeWorld(): FakeWorld {
  const world = {
    routed: [] as FakeWorld['routed'],
    logins: { failed: [] as string[], succeeded: [] as string[], decision: { allow: true } },
    accept: { token: 'right' },
    payload: { transfer: null },
    durable: { result: Promise.resolve() },
  } as Omit<FakeWorld, 'ctx'>;
  const queue = new KeyedQueue();
  const sessions = new CoapSessions(() => undefined);
  const router = {
    route: (
      deviceId: string,
      message: { channel: string },
      _at: number,
      via: unknown,
      delivery?: string,
    ) => {
      world.routed.push({ deviceId, channel: message.channel, delivery, via });
      return Promise.resolve({ durable: world.durable.result });
    },
    deviceOnline: () => Promise.resolve(),
  } as unknown as InboundRouter;
  const ctx: CoapContext = {
    logger: new Logger('CoAP-test'),
    maxPayloadBytes: 1024,
    sessions,
    queue,
    router,
    authenticator: { authenticate: (_id, token) => Promise.resolve(token === world.accept.token) },
    logins: {
      check: () => world.logins.decision,
      failed: (id) => void world.logins.failed.push(id),
      succeeded: (id) => void world.logins.succeeded.push(id),
    },
    payloads: {
      transferPayload: () => {
        const t = world.payload.transfer;
        return t instanceof Error ? Promise.reject(t) : Promise.resolve(t);
      },
    },
    metrics: new MetricsService(),
    takeovers: { record: () => undefined } as unknown as SessionTakeovers,
    connectedCount: () => sessions.size,
    enqueue: (deviceId, _what, task) => void queue.run(deviceId, task).catch(() => undefined),
  };
  return { ...world, ctx };
}

/** One exchange on a FakeResponse; `session` throws unless one is given. */
export function exchange(
  request: {
    payload?: Buffer;
    confirmable?: boolean;
    options?: Array<{ name: string; value: Buffer }>;
  },
  session?: ReturnType<CoapSessions['open']>,
  param = '',
): { ex: CoapExchange; res: FakeResponse } {
  const res = new FakeResponse();
  const req = {
    payload: request.payload ?? Buffer.alloc(0),
    rsinfo: { address: '192.0.2.1', port: 5683 },
    headers: {},
    _packet: { confirmable: request.confirmable ?? false, options: request.options ?? [] },
  } as unknown as IncomingMessage;
  const ex: CoapExchange = {
    req,
    res: res as unknown as OutgoingMessage,
    url: new URL('coap://gateway/v1/x'),
    endpoint: '192.0.2.1:5683',
    param,
    session: () => {
      if (!session) throw new Error('no session in this exchange');
      return session;
    },
  };
  return { ex, res };
}
