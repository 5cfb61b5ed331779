import type { OutgoingMessage } from 'coap';
import type { Packet } from 'coap-packet';
import { randomBytes } from 'node:crypto';
import {
  COAP_MAX_BLOCK,
  type Encoding,
  encodeBlockOption,
  encodePayload,
  parseBlockOption,
} from '../../protocol';
import { answer, block2Of, CoapError, FORMAT, sendAsIs } from '../coap-responses';
import type { CoapSession, DownlinkObserver } from '../coap-sessions';
import { type CoapContext, type CoapHandler, VIA_COAP } from './context';

/**
 * `GET /v1/down` (docs/protocol.md §11.1): Observe 0 opens the downlink, and the device
 * counts as online from here, as after an MQTT hello; Observe 1 closes it; a plain GET
 * with Block2 reads on in the last notification that did not fit one datagram.
 */
export const down: CoapHandler = (ctx, ex) => {
  const { req, res } = ex;
  const session = ex.session();
  if (req.headers.Observe === 0) return observe(ctx, res, session);
  if (req.headers.Observe === 1) {
    // RFC 7641 §3.6: deregistration.
    session.observer?.end();
    session.observer = null;
  }
  const raw = block2Of(req);
  if (raw) return laterBlock(res, session, raw);
  answer(res, '2.05', encodePayload({ channel: null }, session.encoding), FORMAT[session.encoding]);
};

function observe(ctx: CoapContext, res: OutgoingMessage, session: CoapSession): void {
  session.observer?.end();
  const observer = observerOf(res, session);
  session.observer = observer;
  res.on('finish', () => {
    if (session.observer === observer) session.observer = null;
  });
  // Fresh until the session would end: no re-registration every 60 s (RFC 7641 §3.3.1).
  res.setOption('Max-Age', Math.round(session.lifetimeMs / 1000));
  res.setOption('Content-Format', FORMAT[session.encoding]);
  res.write(encodePayload({ channel: null }, session.encoding));
  const deviceId = session.deviceId;
  if (session.announced) {
    // A re-observation: the device may have missed notifications; offers are idempotent.
    ctx.enqueue(deviceId, 'reobserve', () => ctx.router.deviceOnline(deviceId));
    return;
  }
  session.announced = true;
  const hello = { channel: 'hello' as const, body: session.hello };
  ctx.enqueue(deviceId, 'hello', () => ctx.router.route(deviceId, hello, Date.now(), VIA_COAP));
}

/** Notifications on the open response; one over a datagram goes as Block2 block 0. */
function observerOf(res: OutgoingMessage, session: CoapSession): DownlinkObserver {
  const packet = (res as unknown as { _packet: Packet })._packet;
  return {
    notify: (payload: Buffer, enc: Encoding) => {
      if (res.writableEnded) return;
      packet.options = (packet.options ?? []).filter(
        (o) => o.name !== 'Block2' && o.name !== 'ETag',
      );
      res.setOption('Content-Format', FORMAT[enc]);
      if (payload.length <= COAP_MAX_BLOCK) return void res.write(payload);
      // RFC 7959 §3.4: block 0 in the notification, the rest by GET with Block2.
      const large = { payload, etag: randomBytes(4) };
      session.large = large;
      res.setOption('Block2', encodeBlockOption({ num: 0, more: true, size: COAP_MAX_BLOCK }));
      res.setOption('ETag', large.etag);
      res.write(payload.subarray(0, COAP_MAX_BLOCK));
    },
    end: () => {
      if (!res.writableEnded) res.end();
    },
  };
}

/** Block `num` ≥ 1 of the last large notification. */
function laterBlock(res: OutgoingMessage, session: CoapSession, raw: Buffer): void {
  const block = parseBlockOption(raw);
  const large = session.large;
  if (!block) throw new CoapError('4.02', 'Block2: malformed or SZX 7');
  if (!large) throw new CoapError('4.04', 'no notification to read on: observe /v1/down');
  const start = block.num * block.size;
  if (start >= large.payload.length) {
    throw new CoapError(
      '4.02',
      `block ${block.num} is past the end of ${large.payload.length} bytes`,
    );
  }
  const end = Math.min(start + block.size, large.payload.length);
  res.setOption('Content-Format', FORMAT[session.encoding]);
  res.setOption('Block2', encodeBlockOption({ ...block, more: end < large.payload.length }));
  res.setOption('ETag', large.etag);
  sendAsIs(res, large.payload.subarray(start, end));
}
