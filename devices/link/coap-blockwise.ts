import { blockSzx, COAP_BLOCK1_THRESHOLD, COAP_MAX_BLOCK } from '../../src/protocol';
import { blockBytes, decodeBlock, encodeBlock, findOption, uintOption } from './coap-codec';
import type { CoapEndpoint, CoapRequest, CoapResponse } from './coap-endpoint';

const MAX_SZX = blockSzx(COAP_MAX_BLOCK) ?? 6;

/**
 * Sends a request body, in Block1 blocks of 1024 bytes when it is larger than one
 * datagram should carry (RFC 7959 §2.5). Resolves with the final response, or with the
 * first one that is not 2.31 Continue. All blocks share one token, so the gateway can
 * tell the transfers of one device apart.
 */
export async function sendBody(
  endpoint: CoapEndpoint,
  request: CoapRequest & { payload: Buffer },
): Promise<CoapResponse> {
  const { payload } = request;
  if (payload.length <= COAP_BLOCK1_THRESHOLD) return endpoint.request(request);
  const token = request.token ?? endpoint.newToken();
  let szx = MAX_SZX;
  let offset = 0;
  for (;;) {
    const size = blockBytes(szx);
    const end = Math.min(offset + size, payload.length);
    const more = end < payload.length;
    const block = encodeBlock({ num: offset / size, more, szx });
    const options = [...(request.options ?? []), { name: 'Block1' as const, value: block }];
    // RFC 7959 §4: Size1 in the first block tells the gateway the whole size up front.
    if (offset === 0) options.push(uintOption('Size1', payload.length));
    const response = await endpoint.request({
      ...request,
      token,
      options,
      payload: payload.subarray(offset, end),
    });
    if (!more || response.code !== '2.31') return response;
    // RFC 7959 §2.5: the gateway may ask for smaller blocks; what it acknowledged stays received.
    const acked = decodeBlock(findOption(response.options, 'Block1') ?? Buffer.alloc(0));
    if (acked && acked.szx < szx) szx = acked.szx;
    offset = end;
  }
}

/**
 * A notification too large for one datagram carries its first block only; the rest
 * is fetched with plain GETs of the same resource (RFC 7959 §2.4, §3.4), checking the
 * ETag so the blocks belong to one representation. Null when the representation
 * changed meanwhile: the next notification brings the new one.
 */
export async function fetchRemainingBlocks(
  endpoint: CoapEndpoint,
  request: CoapRequest,
  first: CoapResponse,
): Promise<Buffer | null> {
  let block = decodeBlock(findOption(first.options, 'Block2') ?? Buffer.alloc(0));
  if (!block?.more) return first.payload;
  const etag = findOption(first.options, 'ETag');
  const parts = [first.payload];
  while (block?.more) {
    const num: number = block.num + 1;
    const option = {
      name: 'Block2' as const,
      value: encodeBlock({ num, more: false, szx: block.szx }),
    };
    const response = await endpoint.request({
      ...request,
      options: [...(request.options ?? []), option],
    });
    const sameEtag = etag === undefined || findOption(response.options, 'ETag')?.equals(etag);
    block = decodeBlock(findOption(response.options, 'Block2') ?? Buffer.alloc(0));
    if (response.code !== '2.05' || !sameEtag || block?.num !== num) return null;
    parts.push(response.payload);
  }
  return Buffer.concat(parts);
}
