import {
  COAP_CONTENT_FORMAT,
  COAP_PATHS,
  CodecError,
  decodePayload,
  downNotificationSchema,
  Encoding,
} from '../../src/protocol';
import type { Random } from '../prng';
import { fetchRemainingBlocks } from './coap-blockwise';
import {
  decodeUint,
  findOption,
  isFreshNotification,
  type ObserveMark,
  uintOption,
} from './coap-codec';
import type { CoapEndpoint, CoapRequest, CoapResponse } from './coap-endpoint';
import { CoapResponseError, diagnostic, SessionExpiredError } from './coap-session';
import { type DownlinkResult, validateDownlink } from './downlink';

export interface ObservationOptions {
  encoding: Encoding;
  random: Random;
  /** Re-observe after this long without a notification; default the last Max-Age. */
  checkMs?: number;
  /** The wait when the gateway sends no Max-Age (re-observing costs it a hello). */
  defaultCheckMs: () => number;
  onDownlink: (result: DownlinkResult) => void;
  /** The observation may be gone: no notification in time, or it ended. */
  onStale: (reason: string) => void;
  log: (line: string) => void;
}

/**
 * The device's observation of `/v1/down` (RFC 7641): registers it, puts notifications
 * in order by their Observe number (§3.4), completes the blockwise ones, and asks to be
 * observed again when Max-Age passes without a notification (§3.3.1). One token for
 * the life of the socket, so a notification sent just before a re-registration still
 * matches and is acknowledged rather than reset.
 */
export class CoapObservation {
  private readonly token: Buffer;
  private last: ObserveMark | null = null;
  private query: string[] = [];
  private timer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    private readonly endpoint: CoapEndpoint,
    private readonly options: ObservationOptions,
  ) {
    this.token = endpoint.newToken();
    endpoint.listen(this.token, (notification) => this.onNotification(notification));
  }

  /** GET with Observe 0, CON so that the gateway sends CON notifications (§11.1). */
  async register(query: string[]): Promise<void> {
    const response = await this.endpoint.request(this.downRequest(query, 0));
    if (response.code === '4.01') throw new SessionExpiredError('session expired (4.01)');
    if (response.code !== '2.05') {
      throw new CoapResponseError(response.code, diagnostic(response), 'the observation');
    }
    const observe = findOption(response.options, 'Observe');
    if (observe === undefined) throw new Error('the gateway did not accept the observation');
    this.query = query;
    // A new registration restarts the numbering: its answer is the new baseline.
    this.last = { seq: decodeUint(observe), at: Date.now() };
    this.armCheck(response);
    await this.deliver(response);
  }

  /** RFC 7641 §3.6: a GET with Observe 1 ends the observation on the gateway. */
  async cancel(): Promise<void> {
    this.close();
    await this.endpoint.request(this.downRequest(this.query, 1, false));
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.timer);
    this.endpoint.forget(this.token);
  }

  private onNotification(notification: CoapResponse): void {
    if (this.closed) return;
    const observe = findOption(notification.options, 'Observe');
    // RFC 7641 §3.2: an answer without Observe, or an error, ends the observation.
    if (observe === undefined || !notification.code.startsWith('2.')) {
      clearTimeout(this.timer);
      this.options.onStale(`the observation ended with ${notification.code}`);
      return;
    }
    const mark = { seq: decodeUint(observe), at: Date.now() };
    if (!isFreshNotification(this.last, mark)) {
      this.options.log(`dropping a stale notification (Observe ${mark.seq})`);
      return;
    }
    this.last = mark;
    this.armCheck(notification);
    void this.deliver(notification);
  }

  private async deliver(response: CoapResponse): Promise<void> {
    let payload: Buffer | null;
    try {
      // RFC 7959 §3.4: the rest of the blocks are plain GETs, each with a token of its own.
      const rest = { ...this.downRequest(this.query), token: undefined };
      payload = await fetchRemainingBlocks(this.endpoint, rest, response);
    } catch (error) {
      this.options.log(`notification incomplete: ${(error as Error).message}`);
      return;
    }
    if (payload === null) return this.options.log('notification changed while fetching it');
    const result = parseNotification(payload);
    if (result) this.options.onDownlink(result);
  }

  private armCheck(response: CoapResponse): void {
    clearTimeout(this.timer);
    // RFC 7252 §5.10.5 would read a missing Max-Age as 60 s; the gateway sends none and
    // counts every observation as a hello, so without one the session's refresh time is used.
    const maxAge = findOption(response.options, 'Max-Age');
    const baseMs = maxAge === undefined ? this.options.defaultCheckMs() : decodeUint(maxAge) * 1000;
    // RFC 7641 §3.3.1: wait a random while beyond it, so a fleet does not re-observe at once.
    const delayMs = this.options.checkMs ?? baseMs * (1 + 0.1 * this.options.random());
    this.timer = setTimeout(
      () => this.options.onStale(`no notification for ${Math.round(delayMs)} ms`),
      delayMs,
    );
  }

  private downRequest(query: string[], observe?: 0 | 1, confirmable = true): CoapRequest {
    const options = [uintOption('Accept', COAP_CONTENT_FORMAT[this.options.encoding])];
    if (observe !== undefined) options.unshift(uintOption('Observe', observe));
    return { method: 'GET', path: COAP_PATHS.down, query, options, confirmable, token: this.token };
  }
}

/**
 * One notification body `{channel, body}` (§11.1), decoded and validated down to the
 * message. Null for the `{channel: null}` answer to the registration itself.
 */
export function parseNotification(payload: Uint8Array): DownlinkResult | null {
  let value: unknown;
  try {
    value = decodePayload(payload).value;
  } catch (error) {
    if (error instanceof CodecError) return { ok: false, reason: error.message };
    throw error;
  }
  const parsed = downNotificationSchema.safeParse(value);
  if (!parsed.success)
    return { ok: false, reason: `invalid notification: ${parsed.error.message}` };
  const notification = parsed.data;
  if (notification.channel === null) return null;
  return validateDownlink(notification.channel, notification.body);
}
