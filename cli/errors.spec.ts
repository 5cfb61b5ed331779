import { ApiError } from './api-client';
import type { Connection } from './config';
import { appFailure, CliError, describeError } from './errors';

const CONNECTION: Connection = {
  url: 'http://127.0.0.1:3000',
  token: 't',
  tokenSource: 'env',
  tokenFile: '/data/api-token',
};

describe('appFailure', () => {
  it.each([
    [new ApiError(400, 'image_rejected', 'bad magic'), 'image_rejected: bad magic'],
    [new ApiError(400, 'invalid_input', 'name: too long'), 'invalid_input: name: too long'],
    [
      new ApiError(409, 'app_exists', ''),
      'app_exists: blinky@1.2.0 is already in the repository; push under a new version',
    ],
    [
      new ApiError(409, 'app_exists', 'app blinky@1.2.0 exists'),
      'app_exists: app blinky@1.2.0 exists',
    ],
    [
      new ApiError(404, 'app_not_found', ''),
      'app_not_found: no app blinky@1.2.0 in the repository',
    ],
    [
      new ApiError(409, 'app_in_use', ''),
      'app_in_use: blinky@1.2.0 is deployed to devices; remove those deployments first',
    ],
    [
      new ApiError(413, 'http_413', '{"statusCode":413,"message":"File too large"}'),
      'payload_too_large: the payload is larger than the gateway takes (1 MiB at most)',
    ],
    [
      new ApiError(413, 'payload_too_large', 'too big'),
      'payload_too_large: the payload is larger than the gateway takes (1 MiB at most)',
    ],
    [
      new ApiError(400, 'image_rejected', 'line one\n  line two'),
      'image_rejected: line one line two',
    ],
  ])('%p → %p', (err, message) => {
    const mapped = appFailure(err, 'blinky@1.2.0');
    expect(mapped).toBeInstanceOf(CliError);
    expect(mapped).toMatchObject({ message, exitCode: 1 });
  });

  it('leaves other errors as they are', () => {
    const unauthorized = new ApiError(401, 'unauthorized', 'bad token');
    const other = new Error('boom');
    expect(appFailure(unauthorized, 'a@1.0.0')).toBe(unauthorized);
    expect(appFailure(other, 'a@1.0.0')).toBe(other);
  });
});

describe('describeError', () => {
  it('names the code when the gateway sent no message', () => {
    expect(describeError(new ApiError(409, 'conflict', ''), CONNECTION)).toBe(
      'conflict (HTTP 409)',
    );
  });
});
