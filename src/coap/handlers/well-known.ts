import { answer, linkFormat } from '../coap-responses';
import type { CoapHandler } from './context';

/** `GET /.well-known/core`: the resource list in link format (RFC 6690). */
export const wellKnown: CoapHandler = (_ctx, { res }) =>
  answer(res, '2.05', Buffer.from(linkFormat()), 'application/link-format');
