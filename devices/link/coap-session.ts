import {
  COAP_CONTENT_FORMAT,
  COAP_PATHS,
  COAP_SESSION_QUERY,
  decodePayload,
  Encoding,
  encodePayload,
  HelloMessage,
  OtaDown,
  OtaFetch,
  registeredSchema,
  RegisterRequest,
  UpChannel,
} from '../../src/protocol';
import { sendBody } from './coap-blockwise';
import {
  blockAt,
  blockBytes,
  decodeBlock,
  encodeBlock,
  findOption,
  uintOption,
} from './coap-codec';
import type { CoapEndpoint, CoapResponse } from './coap-endpoint';
import { decodeDownlink, DownlinkMessage } from './downlink';
import { AuthRefusedError } from './link-errors';

export interface SessionDevice {
  deviceId: string;
  token: string;
  encoding: Encoding;
  lifetimeSeconds: number;
  hello: () => HelloMessage;
}

type OtaChunk = Extract<OtaDown, { op: 'chunk' }>;

/** The gateway refused a request: the CoAP response code and its diagnostic payload. */
export class CoapResponseError extends Error {
  readonly code = 'coap_refused';
  constructor(
    readonly responseCode: string,
    readonly diagnostic: string,
    what: string,
  ) {
    super(`gateway answered ${what} with ${responseCode}${diagnostic ? `: ${diagnostic}` : ''}`);
  }
}

/** 4.01 to anything but the registration: the session is unknown or expired. */
export class SessionExpiredError extends Error {
  readonly code = 'session_expired';
}

/** A device registers again when nothing reached the gateway for this part of the lifetime. */
export const SESSION_REFRESH_AT = 0.8;

/** 4.01 as the code byte (RFC 7252 §3: class 4, detail 1), where MQTT has a return code. */
const COAP_UNAUTHORIZED = 0x81;

/**
 * One registration with the gateway (docs/protocol.md §11.1): its id, lifetime and
 * when the gateway last answered a request of it; registering again replaces it.
 */
export class CoapSession {
  id = '';
  lifetimeMs = 0;
  /** Any answered request keeps the session alive on the gateway. */
  lastAnsweredAt = 0;

  constructor(
    readonly endpoint: CoapEndpoint,
    private readonly device: SessionDevice,
  ) {}

  query(): string[] {
    return [`${COAP_SESSION_QUERY}=${this.id}`];
  }

  answered(): void {
    this.lastAnsweredAt = Date.now();
  }

  /** POST /v1/register with the credentials and hello; 4.01 means a refused token. */
  async register(): Promise<void> {
    const { deviceId, token, encoding, lifetimeSeconds, hello } = this.device;
    const body: RegisterRequest = {
      id: deviceId,
      token,
      hello: hello(),
      lifetime: lifetimeSeconds,
    };
    const response = await sendBody(this.endpoint, {
      method: 'POST',
      path: COAP_PATHS.register,
      options: [uintOption('Content-Format', COAP_CONTENT_FORMAT[encoding])],
      payload: encodePayload(body, encoding),
      confirmable: true,
    });
    if (response.code === '4.01') {
      throw new AuthRefusedError(deviceId, COAP_UNAUTHORIZED, diagnostic(response));
    }
    if (response.code !== '2.01') {
      throw new CoapResponseError(response.code, diagnostic(response), 'the registration');
    }
    const parsed = registeredSchema.safeParse(decodePayload(response.payload).value);
    if (!parsed.success) {
      throw new Error(`invalid registration answer: ${parsed.error.issues[0].message}`);
    }
    this.id = parsed.data.session;
    this.lifetimeMs = parsed.data.lifetime * 1000;
    this.answered();
  }

  /** DELETE /v1/register: the gateway marks the device offline at once. */
  async deregister(): Promise<void> {
    await this.endpoint.request({
      method: 'DELETE',
      path: COAP_PATHS.register,
      query: this.query(),
      confirmable: true,
    });
  }

  /**
   * GET /v1/ota/{deployment} with Block2 (RFC 7959 §2.4) for the block an OTA `fetch`
   * asks for; a fetch no block size can express goes as a POST to /v1/ota, answered by
   * a `chunk` notification (§11.1).
   */
  requestBlock(fetch: OtaFetch, query: string[], encoding: Encoding): Promise<CoapResponse> {
    const block = blockAt(fetch.offset, fetch.length);
    const format = COAP_CONTENT_FORMAT[encoding];
    if (!block) {
      return this.endpoint.request({
        method: 'POST',
        path: `${COAP_PATHS.ota}`,
        query,
        options: [uintOption('Content-Format', format)],
        payload: encodePayload(fetch, encoding),
        confirmable: true,
      });
    }
    return this.endpoint.request({
      method: 'GET',
      path: `${COAP_PATHS.ota}/${fetch.deployment}`,
      query,
      options: [
        uintOption('Accept', format),
        { name: 'Block2', value: encodeBlock({ ...block, more: false }) },
      ],
      confirmable: true,
    });
  }
}

/**
 * What a Block2 answer to an OTA fetch means: the `chunk` it stands for, null when
 * there is nothing to deliver (4.04: nothing being deployed, 4.02: past the end; the
 * agent asks again on its own timer), or a CoapResponseError. The gateway may answer a
 * smaller block than asked (RFC 7959 §2.4): the offset comes from the answer's Block2.
 */
export function otaChunk(fetch: OtaFetch, response: CoapResponse): OtaChunk | null {
  if (response.code === '4.04' || response.code === '4.02') return null;
  if (!response.code.startsWith('2.')) {
    throw new CoapResponseError(response.code, diagnostic(response), 'an ota fetch');
  }
  const option = findOption(response.options, 'Block2');
  // No Block2: a POSTed fetch (2.04), whose chunk comes as a notification.
  const block = option === undefined ? null : decodeBlock(option);
  if (!block) return null;
  const offset = block.num * blockBytes(block.szx);
  const bytes =
    offset === fetch.offset ? response.payload.subarray(0, fetch.length) : response.payload;
  return { op: 'chunk', deployment: fetch.deployment, offset, data: new Uint8Array(bytes) };
}

/**
 * Null for a 2.xx answer to an uplink. Otherwise the error to reject with, and for a
 * 4.00 carrying an `error` body (§11.1) the `error` downlink MQTT would have delivered.
 */
export function uplinkFailure(
  channel: UpChannel,
  response: CoapResponse,
): { error: CoapResponseError; downlink: DownlinkMessage | null } | null {
  if (response.code.startsWith('2.')) return null;
  const decoded = response.payload.length > 0 ? decodeDownlink('error', response.payload) : null;
  const downlink = decoded?.ok ? decoded.message : null;
  const text = downlink?.channel === 'error' ? downlink.body.message : diagnostic(response);
  return { error: new CoapResponseError(response.code, text, `${channel}`), downlink };
}

/** RFC 7252 §5.5.2: the diagnostic payload of an error answer is UTF-8 text. */
export function diagnostic(response: CoapResponse): string {
  return response.payload.toString('utf8');
}
