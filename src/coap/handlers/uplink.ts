import { EDGE_CODES } from '../../common/error-codes';
import { decodeUplink, encodePayload, type UpChannel } from '../../protocol';
import { answer, FORMAT } from '../coap-responses';
import { type CoapContext, type CoapExchange, type CoapHandler, VIA_COAP } from './context';

/**
 * `POST /v1/{channel}` (docs/protocol.md §11.1): one uplink message, decoded as over MQTT
 * and handed to the router in the device's order. 2.04 at once for a NON; for a CON once
 * the message is durable (§5.5), or 5.03 when it could not be stored. A refused body is
 * answered 4.00 (4.13 over the size limit) with the `error` body of §6.
 */
export function uplink(channel: UpChannel): CoapHandler {
  return (ctx, ex) => {
    const receivedAt = Date.now();
    const session = ex.session();
    const result = decodeUplink(channel, ex.req.payload, ctx.maxPayloadBytes);
    const deviceId = session.deviceId;
    if (!result.ok) {
      ctx.metrics.framesRejected.inc({ code: result.code });
      ctx.logger.warn(`${deviceId}: rejected ${channel}: ${result.code}: ${result.reason}`);
      const body = encodePayload(
        { code: result.code, message: result.reason, channel },
        result.encoding,
      );
      const tooLarge = result.code === 'payload_too_large';
      if (tooLarge) ex.res.setOption('Size1', ctx.maxPayloadBytes);
      const code = (tooLarge ? EDGE_CODES.payload_too_large : EDGE_CODES.invalid_input).coap;
      return answer(ex.res, code, body, FORMAT[result.encoding]);
    }
    session.encoding = result.encoding;
    const message = result.message;
    if (message.channel === 'status' && message.body.state === 'offline') {
      // The device says goodbye: as an expired session, which routes the offline.
      ctx.sessions.close(session, true);
    } else if (ex.req._packet.confirmable) {
      return confirmed(ctx, ex, { deviceId, channel }, () =>
        ctx.router.route(deviceId, message, receivedAt, VIA_COAP, 'confirmed'),
      );
    } else {
      ctx.enqueue(deviceId, channel, () =>
        ctx.router.route(deviceId, message, receivedAt, VIA_COAP),
      );
    }
    answer(ex.res, '2.04');
  };
}

/** A CON is answered 2.04 once the message is durable (docs/protocol.md §5.5). */
function confirmed(
  ctx: CoapContext,
  ex: CoapExchange,
  { deviceId, channel }: { deviceId: string; channel: UpChannel },
  route: () => Promise<{ durable: Promise<void> }>,
): void {
  void ctx.queue
    .run(deviceId, route)
    .then((routed) => routed.durable)
    .then(
      () => answer(ex.res, '2.04'),
      (err: Error) => {
        const code = EDGE_CODES.unavailable.coap;
        ctx.logger.error(`${deviceId}/${channel}: not stored, answered ${code}: ${err.message}`);
        answer(ex.res, code);
      },
    );
}
