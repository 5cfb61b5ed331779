import {
  BrokerSyncError,
  ConflictError,
  DeviceBadReplyError,
  DeviceRefusedError,
  DeviceTimeoutError,
  DomainError,
  ForbiddenError,
  InvalidInputError,
  NotFoundError,
  TooManyAttemptsError,
  UnauthorizedError,
} from './domain-error';

/**
 * The one table from domain errors to protocol codes: HTTP statuses (http-error.filter.ts),
 * CoAP response codes (RFC 7252 §5.9; 4.09 and 4.22 from RFC 8132, 4.29 from RFC
 * 8516) and MQTT 3.1.1 CONNACK return codes (§3.2.2.3) where a refusal comes at CONNECT.
 */
export interface ProtocolCodes {
  http: number;
  coap: string;
  /** CONNACK return code; 3 (server unavailable) where nothing closer fits. */
  connack: 1 | 2 | 3 | 4 | 5;
}

type ErrorClass = abstract new (...args: never[]) => DomainError;

/** First match wins: subclasses before the classes they extend. */
export const DOMAIN_ERROR_CODES: ReadonlyArray<readonly [ErrorClass, ProtocolCodes]> = [
  [NotFoundError, { http: 404, coap: '4.04', connack: 3 }],
  [ConflictError, { http: 409, coap: '4.09', connack: 3 }],
  [InvalidInputError, { http: 400, coap: '4.00', connack: 3 }],
  [UnauthorizedError, { http: 401, coap: '4.01', connack: 4 }],
  [ForbiddenError, { http: 403, coap: '4.03', connack: 5 }],
  [TooManyAttemptsError, { http: 429, coap: '4.29', connack: 5 }],
  [DeviceRefusedError, { http: 422, coap: '4.22', connack: 3 }],
  [DeviceTimeoutError, { http: 504, coap: '5.04', connack: 3 }],
  [DeviceBadReplyError, { http: 502, coap: '5.02', connack: 3 }],
  [BrokerSyncError, { http: 502, coap: '5.02', connack: 3 }],
];

/** Any other failure: a gateway fault. */
export const INTERNAL_CODES: ProtocolCodes = { http: 500, coap: '5.00', connack: 3 };

/**
 * Refusals that are no DomainError (the wire said so before the domain saw anything), by
 * their stable code: a body over the size limit, a store that could not take a message.
 */
export const EDGE_CODES = {
  payload_too_large: { http: 413, coap: '4.13', connack: 3 },
  invalid_input: { http: 400, coap: '4.00', connack: 3 },
  unavailable: { http: 503, coap: '5.03', connack: 3 },
} as const satisfies Record<string, ProtocolCodes>;

export function codesOf(err: DomainError): ProtocolCodes {
  return DOMAIN_ERROR_CODES.find(([type]) => err instanceof type)?.[1] ?? INTERNAL_CODES;
}
