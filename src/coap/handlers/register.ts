import {
  CodecError,
  decodePayload,
  type Encoding,
  encodePayload,
  registerSchema,
} from '../../protocol';
import { describeIssues } from '../../protocol/zod-issues';
import { answer, CoapError, FORMAT } from '../coap-responses';
import type { CoapContext, CoapHandler } from './context';

/**
 * `POST /v1/register` (docs/protocol.md §11.1): the device token opens a session bound to
 * this endpoint, answered 2.01 `{session, lifetime}`; throttled like an MQTT CONNECT.
 */
export const register: CoapHandler = async (ctx, { req, res, endpoint }) => {
  const { value, encoding } = decoded(req.payload);
  const parsed = registerSchema.safeParse(value);
  if (!parsed.success) {
    throw new CoapError('4.00', `invalid registration: ${describeIssues(parsed.error.issues)}`);
  }
  const { id, token, hello, lifetime } = parsed.data;
  // Per address, not endpoint: a guesser changes source ports for free.
  const address = req.rsinfo.address;
  const throttled = ctx.logins.check(id, address);
  if (!throttled.allow) {
    // 4.29 Too Many Requests (RFC 8516): Max-Age says when to try again; token unchecked.
    ctx.metrics.connectionsRefused.inc({ reason: 'login_throttled' });
    res.setOption('Max-Age', Math.ceil(throttled.retryAfterMs / 1000));
    throw new CoapError('4.29', `too many wrong logins; retry in ${throttled.retryAfterMs} ms`);
  }
  if (!(await ctx.authenticator.authenticate(id, token))) refuse(ctx, id, address);
  ctx.logins.succeeded(id, address);
  if (ctx.sessions.ofDevice(id)) ctx.takeovers.record('coap', id);
  // Registering (again) binds the session to this endpoint (docs/protocol.md §11.4).
  const session = ctx.sessions.open(id, endpoint, hello, lifetime, encoding);
  ctx.metrics.connectedDevices.set({ transport: 'coap' }, ctx.connectedCount());
  const body = encodePayload({ session: session.id, lifetime }, encoding);
  answer(res, '2.01', body, FORMAT[encoding]);
};

/** `DELETE /v1/register?s=`: the device leaves; the session ends as if it had expired. */
export const deregister: CoapHandler = (ctx, ex) => {
  ctx.sessions.close(ex.session(), true);
  answer(ex.res, '2.02');
};

function decoded(payload: Buffer): { value: Record<string, unknown>; encoding: Encoding } {
  try {
    return decodePayload(payload);
  } catch (err) {
    if (err instanceof CodecError) throw new CoapError('4.00', `${err.code}: ${err.message}`);
    throw err;
  }
}

function refuse(ctx: CoapContext, id: string, address: string): never {
  ctx.logins.failed(id, address);
  ctx.metrics.connectionsRefused.inc({ reason: 'bad_credentials' });
  ctx.logger.warn(`refused registration for "${id}" from ${address}: wrong device id or token`);
  throw new CoapError('4.01', 'bad device id or token');
}
