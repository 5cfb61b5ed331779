import {
  DeviceOfflineError,
  DeviceTimeoutError,
  ForbiddenError,
  InvalidInputError,
  TooManyAttemptsError,
} from '../common/domain-error';
import { CoapError, refusalOf } from './coap-responses';

describe('refusalOf', () => {
  it.each<[string, unknown, string, boolean]>([
    ['a CoapError keeps its code', new CoapError('4.15', 'send CBOR'), '4.15', false],
    ['invalid input', new InvalidInputError('bad offset'), '4.00', false],
    ['forbidden', new ForbiddenError('not yours'), '4.03', false],
    ['a conflict', new DeviceOfflineError('d1'), '4.09', false],
    ['throttled', new TooManyAttemptsError('slow down', 1000), '4.29', false],
    ['a timeout is a gateway fault', new DeviceTimeoutError('d1', 'ping', 5), '5.04', true],
    ['anything else', new Error('boom'), '5.00', true],
  ])('%s → %s', (_what, err, code, fault) => {
    expect(refusalOf(err)).toMatchObject({ code, fault });
  });

  it('says why in the diagnostic payload, but nothing of an unknown fault', () => {
    expect(refusalOf(new InvalidInputError('offset past the end')).message).toBe(
      'offset past the end',
    );
    expect(refusalOf(new Error('SQLITE_BUSY at /var/db')).message).toBe('internal error');
  });
});
