import { codesOf, EDGE_CODES, INTERNAL_CODES } from './error-codes';
import {
  AppExistsError,
  DeploymentNotFoundError,
  DeviceBadReplyError,
  DeviceNotFoundError,
  DeviceOfflineError,
  DeviceRefusedError,
  DeviceTimeoutError,
  DomainError,
  ForbiddenError,
  ImageRejectedError,
  InvalidInputError,
  TooManyAttemptsError,
  UnauthorizedError,
} from './domain-error';
import { toHttpError } from './http-error.filter';

class UnmappedError extends DomainError {
  readonly code = 'unmapped';
}

describe('codesOf', () => {
  it.each<[DomainError, number, string, number]>([
    [new DeviceNotFoundError('d1'), 404, '4.04', 3],
    [new DeploymentNotFoundError(7), 404, '4.04', 3],
    [new AppExistsError('blink', '1.0.0'), 409, '4.09', 3],
    [new DeviceOfflineError('d1'), 409, '4.09', 3],
    [new InvalidInputError('bad'), 400, '4.00', 3],
    [new ImageRejectedError('bad_magic', 'not wasm'), 400, '4.00', 3],
    [new UnauthorizedError('who?'), 401, '4.01', 4],
    [new ForbiddenError('no'), 403, '4.03', 5],
    [new TooManyAttemptsError('slow down', 1000), 429, '4.29', 5],
    [new DeviceRefusedError('busy', 'busy'), 422, '4.22', 3],
    [new DeviceTimeoutError('d1', 'ping', 50), 504, '5.04', 3],
    [new DeviceBadReplyError('d1', 'ping', 'x'), 502, '5.02', 3],
    [new UnmappedError('?'), 500, '5.00', 3],
  ])('%p → HTTP %i, CoAP %s, CONNACK %i', (err, http, coap, connack) => {
    expect(codesOf(err)).toEqual({ http, coap, connack });
    // The HTTP filter answers from the same table.
    expect(toHttpError(err).statusCode).toBe(http);
  });

  it('keeps the edge codes in line with the HTTP and CoAP codes they stand for', () => {
    expect(EDGE_CODES.payload_too_large).toMatchObject({ http: 413, coap: '4.13' });
    expect(EDGE_CODES.unavailable).toMatchObject({ http: 503, coap: '5.03' });
    expect(INTERNAL_CODES).toMatchObject({ http: 500, coap: '5.00' });
  });
});
