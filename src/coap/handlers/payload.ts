import { COAP_MAX_BLOCK, encodeBlockOption, parseBlockOption } from '../../protocol';
import { block2Of, CoapError, etagOf, sendAsIs } from '../coap-responses';
import type { CoapHandler } from './context';

/**
 * `GET /v1/ota/{deployment}`: one Block2 block (RFC 7959 §2.4) of the app payload a
 * deployment is sending this device, any size 16..1024 and any block number, so a device
 * resumes where it stopped (docs/protocol.md §11.1).
 */
export const payloadBlock: CoapHandler = async (ctx, ex) => {
  const { req, res, param } = ex;
  const session = ex.session();
  const deployment = /^[1-9]\d{0,9}$/.test(param) ? Number(param) : NaN;
  const transfer = Number.isSafeInteger(deployment)
    ? await ctx.payloads.transferPayload(deployment, session.deviceId)
    : null;
  if (!transfer) {
    throw new CoapError('4.04', `deployment ${param} is not sending ${session.deviceId} anything`);
  }
  const raw = block2Of(req);
  const block = raw ? parseBlockOption(raw) : null;
  if (raw && !block) throw new CoapError('4.02', 'Block2: malformed or SZX 7');
  const payload = transfer.payload;
  const total = payload.length;
  const size = Math.min(block?.size ?? COAP_MAX_BLOCK, COAP_MAX_BLOCK);
  const num = block?.num ?? 0;
  const start = num * size;
  if (start >= total && total > 0) {
    throw new CoapError('4.02', `block ${num} is past the end of ${total} bytes`);
  }
  const end = Math.min(start + size, total);
  res.setOption('Content-Format', 'application/octet-stream');
  if (block || total > size) {
    res.setOption('Block2', encodeBlockOption({ num, more: end < total, size }));
    res.setOption('ETag', etagOf(payload));
    if (num === 0) res.setOption('Size2', total);
  }
  // Cut here and send as it is: the coap package would hash and cache the whole
  // payload on every block (its own Block2 path), O(size) per block.
  const slice = Buffer.from(payload.buffer, payload.byteOffset + start, end - start);
  sendAsIs(res, slice);
  transfer.sent(end - start);
};
