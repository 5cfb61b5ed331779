import type { ZodType } from 'zod';
import {
  describeFetchFailure,
  errorFromResponse,
  GatewayUnreachableError,
  parseBody,
} from './api-response';

/** HTTP mechanics for ApiClient: URLs, auth, bodies, timeouts, and turning answers into values. */

export interface ApiClientOptions {
  baseUrl: string;
  token?: string;
  timeoutMs?: number;
  fetch?: typeof fetch;
}

export type Query = Record<string, string | undefined>;

export interface RequestSpec<T> {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  path: string;
  query?: Query;
  /** Sent as JSON. */
  body?: unknown;
  /** Sent as multipart/form-data; fetch writes the Content-Type with its boundary. */
  form?: FormData;
  schema?: ZodType<T>;
  auth?: boolean;
  /** Overrides the client's timeout, e.g. for a monitor command the gateway waits on. */
  timeoutMs?: number;
}

export interface SendOptions {
  accept?: string;
  signal?: AbortSignal;
}

export class ApiTransport {
  readonly baseUrl: string;
  readonly timeoutMs: number;
  private readonly token?: string;
  private readonly fetchFn: typeof fetch;

  constructor(options: ApiClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.token = options.token;
    this.timeoutMs = options.timeoutMs ?? 15_000;
    this.fetchFn = options.fetch ?? fetch;
  }

  get hasToken(): boolean {
    return Boolean(this.token);
  }

  /** A JSON answer checked against `spec.schema`; without a schema the body is ignored. */
  async request<T>(spec: RequestSpec<T>): Promise<T> {
    const url = this.urlFor(spec.path, spec.query);
    const response = await this.send(url, spec);
    const text = await response.text();
    if (!response.ok) throw errorFromResponse(response, text);
    if (!spec.schema) return undefined as T;
    return parseBody(spec.schema, text, `${spec.method} ${spec.path}`);
  }

  /** For binary answers (app payloads and manifests): the body's bytes, whatever their type. */
  async requestBytes(spec: RequestSpec<never>, accept: string): Promise<Uint8Array> {
    const response = await this.send(this.urlFor(spec.path, spec.query), { ...spec, accept });
    if (!response.ok) throw errorFromResponse(response, await response.text());
    return new Uint8Array(await response.arrayBuffer());
  }

  /** One fetch; no answer at all (refused, DNS, timeout) becomes GatewayUnreachableError. */
  async send<T>(url: string, spec: RequestSpec<T> & SendOptions): Promise<Response> {
    const timeoutMs = spec.timeoutMs ?? this.timeoutMs;
    const headers: Record<string, string> = { accept: spec.accept ?? 'application/json' };
    if (spec.auth !== false && this.token) headers.authorization = `Bearer ${this.token}`;
    if (spec.body !== undefined) headers['content-type'] = 'application/json';
    try {
      return await this.fetchFn(url, {
        method: spec.method,
        headers,
        body: spec.form ?? (spec.body === undefined ? undefined : JSON.stringify(spec.body)),
        signal: spec.signal ?? AbortSignal.timeout(timeoutMs),
      });
    } catch (err) {
      if (spec.signal?.aborted && (err as Error).name === 'AbortError') throw err;
      throw new GatewayUnreachableError(this.baseUrl, describeFetchFailure(err, timeoutMs));
    }
  }

  urlFor(path: string, query: Query = {}): string {
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(query)) {
      if (value !== undefined && value !== '') params.set(key, value);
    }
    const qs = params.toString();
    return `${this.baseUrl}${path}${qs ? `?${qs}` : ''}`;
  }
}
