/**
 * The gateway's REST API with the token of the login form. The token lives in
 * sessionStorage (gone with the tab, never in a URL) and goes out as a bearer header;
 * a 401 forgets it and sends the page back to the login.
 */
import type { ErrorBody } from '../../src/protocol/api';

const TOKEN_KEY = 'vmfleet.token';
const listeners = new Set<() => void>();

export function token(): string | null {
  return sessionStorage.getItem(TOKEN_KEY);
}

export function setToken(value: string | null): void {
  if (value === null) sessionStorage.removeItem(TOKEN_KEY);
  else sessionStorage.setItem(TOKEN_KEY, value);
  listeners.forEach((l) => l());
}

/** Calls `listener` when the token is set or forgotten (login, logout, a 401). */
export function onTokenChange(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** A failed call: its HTTP status, the gateway's error code and message. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export function authHeaders(): Record<string, string> {
  const t = token();
  return t ? { authorization: `Bearer ${t}` } : {};
}

async function failure(res: Response): Promise<ApiError> {
  let body: Partial<ErrorBody> = {};
  try {
    body = (await res.json()) as ErrorBody;
  } catch {
    // not JSON (a proxy's error page): the status says enough
  }
  const message = Array.isArray(body.message) ? body.message.join('; ') : body.message;
  if (res.status === 401) setToken(null);
  return new ApiError(res.status, body.code ?? `http_${res.status}`, message ?? res.statusText);
}

/** One request; JSON in and out (FormData goes as multipart). Throws ApiError. */
export async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  const form = body instanceof FormData;
  const res = await fetch(path, {
    method,
    headers: {
      ...authHeaders(),
      ...(body === undefined || form ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : form ? body : JSON.stringify(body),
  });
  if (!res.ok) throw await failure(res);
  if (res.status === 204) return undefined as T;
  const type = res.headers.get('content-type') ?? '';
  return (type.includes('json') ? await res.json() : await res.text()) as T;
}

export const get = <T>(path: string) => api<T>('GET', path);
export const post = <T>(path: string, body?: unknown) => api<T>('POST', path, body ?? {});

/** The message to show for any error a call threw. */
export function errorText(err: unknown): string {
  if (err instanceof ApiError) return `${err.message} (${err.code}, HTTP ${err.status})`;
  return err instanceof Error ? err.message : String(err);
}

/** A binary body (an app's payload). */
export async function getBytes(path: string): Promise<Uint8Array> {
  const res = await fetch(path, { headers: authHeaders() });
  if (!res.ok) throw await failure(res);
  return new Uint8Array(await res.arrayBuffer());
}

/** Base64 of bytes, as the Thing Monitor's `load` takes an image. */
export function base64(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) {
    s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(s);
}
