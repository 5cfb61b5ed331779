import type { ZodType } from 'zod';
import { errorBodySchema } from '../src/protocol/api';

/** Turning HTTP answers (or the lack of one) into values and errors, for ApiClient. */

/** The gateway answered with an error: `{statusCode, code, message}` (CONTRACT.md, REST). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** No HTTP answer at all: nothing listens at the URL, DNS failed, or the request timed out. */
export class GatewayUnreachableError extends Error {
  constructor(
    readonly url: string,
    readonly reason: string,
  ) {
    super(`cannot reach the vmfleet gateway at ${url} (${reason})`);
    this.name = 'GatewayUnreachableError';
  }
}

export function parseBody<T>(schema: ZodType<T>, text: string, what: string): T {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new ApiError(0, 'invalid_response', `${what} did not return JSON`);
  }
  const parsed = schema.safeParse(json);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const where = issue?.path.length ? issue.path.join('.') : 'body';
  throw new ApiError(
    0,
    'invalid_response',
    `${what} returned an unexpected ${where}: ${issue?.message}`,
  );
}

/** Maps an error response to ApiError, keeping the server's code and message when it sent them. */
export function errorFromResponse(response: Response, text: string): ApiError {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  const parsed = errorBodySchema.safeParse(body);
  if (parsed.success) {
    // An empty message when the body has none, e.g. `409 {code: 'app_exists'}` (APPS.md).
    const message = [parsed.data.message ?? []].flat().join('; ');
    return new ApiError(response.status, parsed.data.code, message);
  }
  const snippet = text.trim().slice(0, 200);
  const message = snippet || response.statusText || 'no error message';
  return new ApiError(response.status, `http_${response.status}`, message);
}

// Duck-typed rather than `instanceof`: fetch's errors may come from another realm (Jest).
export function describeFetchFailure(err: unknown, timeoutMs: number): string {
  const error = (err ?? {}) as { name?: string; message?: string; cause?: unknown };
  if (error.name === 'TimeoutError') return `no answer within ${timeoutMs / 1000}s`;
  const cause = (error.cause ?? {}) as { code?: unknown; message?: unknown };
  if (typeof cause.code === 'string') return cause.code;
  if (typeof cause.message === 'string') return cause.message;
  return typeof error.message === 'string' ? error.message : String(err);
}
