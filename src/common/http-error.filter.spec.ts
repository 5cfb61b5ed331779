import { toHttpError } from './http-error.filter';

describe('toHttpError', () => {
  it("maps body-parser's PayloadTooLargeError to 413 naming the limit", () => {
    const err = Object.assign(new Error('request entity too large'), {
      type: 'entity.too.large',
      limit: 1048576,
      length: 4194304,
      status: 413,
    });
    expect(toHttpError(err)).toEqual({
      statusCode: 413,
      code: 'payload_too_large',
      message:
        'request body too large: the limit is 1048576 bytes (1 MiB) (this one has 4194304 bytes); send a smaller body',
    });
  });

  it('keeps an unknown error a 500 without its details', () => {
    expect(toHttpError(new Error('boom'))).toMatchObject({
      statusCode: 500,
      code: 'internal_error',
    });
  });
});
