import {
  createServer,
  type IncomingHttpHeaders,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';

/** Test helper: a real HTTP server on 127.0.0.1, port 0, answering from a function. */

export interface StubRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  /** The body parsed as JSON; undefined when it is empty or not JSON (e.g. multipart). */
  body: unknown;
  /** The body's bytes as they arrived. */
  rawBody: Buffer;
}

export interface StubResponse {
  status: number;
  body?: unknown;
  /** Sent as is instead of JSON, e.g. an HTML error page from a proxy. */
  raw?: string;
  /** Sent as is with `contentType` (default application/octet-stream), e.g. an app payload. */
  bytes?: Uint8Array;
  contentType?: string;
  /** A streamed body (text/event-stream unless told otherwise), written chunk by chunk. */
  stream?: StubStream;
}

export interface StubStream {
  chunks: string[];
  contentType?: string;
  /** Pause between chunks, so they tend to arrive as separate reads (default 5 ms). */
  gapMs?: number;
  /** Leave the response open after the last chunk, like a live stream; close() ends it. */
  keepOpen?: boolean;
}

export type StubHandler = (req: StubRequest) => StubResponse | Promise<StubResponse>;

export interface StubServer {
  url: string;
  requests: StubRequest[];
  close(): Promise<void>;
}

function readBody(req: NodeJS.ReadableStream): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('error', reject);
    req.on('end', () => resolve(Buffer.concat(chunks)));
  });
}

/** JSON bodies as values; other types (multipart uploads) only as rawBody. */
function parseJsonBody(raw: Buffer, contentType: string | undefined): unknown {
  const isJson = contentType === undefined || contentType.includes('json');
  return isJson && raw.length > 0 ? (JSON.parse(raw.toString('utf8')) as unknown) : undefined;
}

async function writeStream(res: ServerResponse, status: number, stream: StubStream): Promise<void> {
  res.writeHead(status, { 'content-type': stream.contentType ?? 'text/event-stream' });
  res.flushHeaders();
  for (const chunk of stream.chunks) {
    await new Promise((resolve) => setTimeout(resolve, stream.gapMs ?? 5));
    if (res.destroyed) return;
    res.write(chunk);
  }
  if (!stream.keepOpen) res.end();
}

function listen(server: Server): Promise<string> {
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    });
  });
}

export async function startStubServer(handler: StubHandler): Promise<StubServer> {
  const requests: StubRequest[] = [];
  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://stub');
      const rawBody = await readBody(req);
      const request = {
        method: req.method ?? 'GET',
        path: url.pathname,
        query: url.searchParams,
        headers: req.headers,
        body: parseJsonBody(rawBody, req.headers['content-type']),
        rawBody,
      };
      requests.push(request);
      const reply = await handler(request);
      if (reply.stream) {
        await writeStream(res, reply.status, reply.stream);
      } else if (reply.bytes !== undefined) {
        const type = reply.contentType ?? 'application/octet-stream';
        res.writeHead(reply.status, { 'content-type': type }).end(reply.bytes);
      } else if (reply.raw !== undefined) {
        res.writeHead(reply.status, { 'content-type': 'text/html' }).end(reply.raw);
      } else if (reply.body === undefined) {
        res.writeHead(reply.status).end();
      } else {
        res.writeHead(reply.status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(reply.body));
      }
    })();
  });
  const url = await listen(server);
  let closed: Promise<void> | undefined;
  // Idempotent, so a test may close early and afterEach close again.
  const close = (): Promise<void> =>
    (closed ??= new Promise((resolve, reject) => {
      server.closeAllConnections();
      server.close((err) => (err ? reject(err) : resolve()));
    }));
  return { url, requests, close };
}
