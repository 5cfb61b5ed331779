import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { Response } from 'express';
import { DomainError, InvalidInputError, TooManyAttemptsError } from './domain-error';
import { codesOf, EDGE_CODES } from './error-codes';

export interface HttpErrorBody {
  statusCode: number;
  code: string;
  message: string;
  issues?: string[];
}

/** The one place where domain error codes become HTTP statuses. */
export function toHttpError(err: unknown): HttpErrorBody {
  if (err instanceof DomainError) {
    const body: HttpErrorBody = {
      statusCode: codesOf(err).http,
      code: err.code,
      message: err.message,
    };
    if (err instanceof InvalidInputError && err.issues.length) body.issues = err.issues;
    return body;
  }
  const tooLarge = payloadTooLarge(err);
  if (tooLarge) return tooLarge;
  if (err instanceof HttpException) {
    const status = err.getStatus();
    return { statusCode: status, code: httpCode(status), message: err.message };
  }
  return {
    statusCode: 500,
    code: 'internal_error',
    message: 'internal error; see the gateway log',
  };
}

/**
 * body-parser's PayloadTooLargeError (`type: 'entity.too.large'`, `limit` in bytes) comes
 * from the express middleware before any route: 413 naming the limit, not a 500.
 */
function payloadTooLarge(err: unknown): HttpErrorBody | undefined {
  const e = err as { type?: unknown; limit?: unknown; length?: unknown } | null;
  if (typeof e !== 'object' || e === null || e.type !== 'entity.too.large') return undefined;
  const limit = typeof e.limit === 'number' ? e.limit : undefined;
  const size = typeof e.length === 'number' ? ` (this one has ${e.length} bytes)` : '';
  return {
    statusCode: EDGE_CODES.payload_too_large.http,
    code: 'payload_too_large',
    message:
      limit === undefined
        ? `request body too large${size}`
        : `request body too large: the limit is ${limit} bytes (${formatBytes(limit)})${size}; send a smaller body`,
  };
}

function formatBytes(n: number): string {
  return n >= 1024 * 1024
    ? `${+(n / 1024 / 1024).toFixed(1)} MiB`
    : `${+(n / 1024).toFixed(1)} KiB`;
}

function httpCode(status: number): string {
  const names: Record<number, string> = {
    400: 'invalid_input',
    401: 'unauthorized',
    403: 'forbidden',
    404: 'not_found',
    413: 'payload_too_large',
  };
  return names[status] ?? (status >= 500 ? 'internal_error' : 'http_error');
}

@Catch()
export class HttpErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('HTTP');

  catch(err: unknown, host: ArgumentsHost): void {
    const body = toHttpError(err);
    if (body.statusCode >= 500)
      this.logger.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
    const res = host.switchToHttp().getResponse<Response>();
    // RFC 9110 §10.2.3: whole seconds, rounded up so a client that waits exactly is let in.
    if (err instanceof TooManyAttemptsError)
      res.setHeader('Retry-After', String(Math.max(1, Math.ceil(err.retryAfterMs / 1000))));
    res.status(body.statusCode).json(body);
  }
}
