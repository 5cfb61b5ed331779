import { generate, type OptionName, parse, type ParsedPacket } from 'coap-packet';
import { createHash, randomBytes } from 'node:crypto';
import * as dgram from 'node:dgram';
import { parentPort, workerData } from 'node:worker_threads';
import { decodePayload } from '../src/protocol/codec';
import { encodeBlockOption, parseBlockOption } from '../src/protocol/coap';

/**
 * The client side of bench:coap, in a worker thread: many CoAP endpoints (one UDP socket
 * each, as many devices would be), each with one request outstanding at a time, CON,
 * retransmitted after RETRY_MS on loopback. Messages from the parent: 'go'.
 */
export interface CoapJob {
  port: number;
  kind: 'telemetry' | 'blocks';
  /** Per endpoint: the path+query to hit; `{s}` stands for the endpoint's session. */
  urls: string[];
  /**
   * Per endpoint: the body of its POST /v1/register, sent from that endpoint's socket
   * before the clock starts (a session works only from the endpoint that registered it).
   */
  registrations?: Uint8Array[];
  method: 'POST' | 'PUT' | 'GET';
  /** telemetry: requests per endpoint and the body. */
  requests?: number;
  body?: Uint8Array;
  /** telemetry: one body per request instead (the gateway stores a resent sample once). */
  bodies?: Uint8Array[];
  /** blocks: block size and the SHA-256 each endpoint's download must have. */
  blockSize?: number;
  sha256?: string;
}

export type CoapWorkerMessage =
  | { type: 'ready' }
  | { type: 'done'; ms: number; requests: number; bytes: number; retransmits: number }
  | { type: 'failed'; message: string };

const RETRY_MS = 1000;
const CODES = { GET: '0.01', POST: '0.02', PUT: '0.03' } as const;

class Endpoint {
  private readonly socket = dgram.createSocket('udp4');
  private pending = new Map<string, (p: ParsedPacket) => void>();
  private messageId = Math.floor(Math.random() * 0xffff);
  retransmits = 0;

  constructor(private readonly port: number) {
    this.socket.on('message', (msg) => {
      let p: ParsedPacket;
      try {
        p = parse(msg);
      } catch {
        return;
      }
      if (p.code === '0.00') return; // an empty ACK: a separate response follows
      if (p.confirmable) {
        const ack = generate({
          messageId: p.messageId,
          code: '0.00',
          ack: true,
          confirmable: false,
        });
        this.socket.send(ack, this.port, '127.0.0.1');
      }
      const key = p.token.toString('hex');
      const done = this.pending.get(key);
      if (done) {
        this.pending.delete(key);
        done(p);
      }
    });
  }

  bind(): Promise<void> {
    return new Promise((resolve) => this.socket.bind(0, '127.0.0.1', resolve));
  }

  request(
    method: keyof typeof CODES,
    url: string,
    payload?: Uint8Array,
    extra: { name: OptionName; value: Buffer }[] = [],
  ): Promise<ParsedPacket> {
    const [path, query] = url.split('?');
    const options: { name: OptionName; value: Buffer }[] = path
      .split('/')
      .filter(Boolean)
      .map((seg) => ({ name: 'Uri-Path', value: Buffer.from(seg) }));
    if (query) options.push({ name: 'Uri-Query', value: Buffer.from(query) });
    options.push(...extra);
    const token = randomBytes(4);
    this.messageId = (this.messageId + 1) & 0xffff;
    const bytes = generate(
      {
        code: CODES[method],
        messageId: this.messageId,
        token,
        confirmable: true,
        options,
        payload: payload ? Buffer.from(payload) : Buffer.alloc(0),
      },
      2048,
    );
    return new Promise((resolve) => {
      const send = () => this.socket.send(bytes, this.port, '127.0.0.1');
      const timer = setInterval(() => {
        this.retransmits++;
        send();
      }, RETRY_MS);
      this.pending.set(token.toString('hex'), (p) => {
        clearInterval(timer);
        resolve(p);
      });
      send();
    });
  }

  close(): void {
    this.socket.close();
  }
}

async function run(job: CoapJob): Promise<void> {
  const endpoints = job.urls.map(() => new Endpoint(job.port));
  await Promise.all(endpoints.map((e) => e.bind()));
  const urls = await Promise.all(
    endpoints.map(async (e, i) => {
      const body = job.registrations?.[i];
      if (!body) return job.urls[i];
      const p = await e.request('POST', '/v1/register', body);
      if (p.code !== '2.01') throw new Error(`registering: ${p.code} ${p.payload.toString()}`);
      const { session } = decodePayload(p.payload).value as { session: string };
      return job.urls[i].replace('{s}', session);
    }),
  );
  parentPort!.postMessage({ type: 'ready' } satisfies CoapWorkerMessage);
  await new Promise<void>((resolve) => parentPort!.once('message', () => resolve()));
  const started = performance.now();
  let requests = 0;
  let bytes = 0;
  await Promise.all(
    endpoints.map(async (e, i) => {
      if (job.kind === 'telemetry') {
        for (let n = 0; n < job.requests!; n++) {
          const p = await e.request(job.method, urls[i], job.bodies?.[n] ?? job.body);
          if (!p.code.startsWith('2.'))
            throw new Error(`${urls[i]}: ${p.code} ${p.payload.toString()}`);
          requests++;
        }
        return;
      }
      const parts: Buffer[] = [];
      for (let num = 0, more = true; more; num++) {
        const block = encodeBlockOption({ num, more: false, size: job.blockSize! });
        const p = await e.request('GET', urls[i], undefined, [{ name: 'Block2', value: block }]);
        if (p.code !== '2.05') throw new Error(`${urls[i]} block ${num}: ${p.code}`);
        parts.push(p.payload);
        requests++;
        const option = p.options.find((o) => o.name === 'Block2');
        more = option ? (parseBlockOption(option.value)?.more ?? false) : false;
      }
      const whole = Buffer.concat(parts);
      bytes += whole.length;
      const sha = createHash('sha256').update(whole).digest('hex');
      if (sha !== job.sha256) throw new Error(`${urls[i]}: SHA-256 ${sha} differs`);
    }),
  );
  const ms = performance.now() - started;
  const retransmits = endpoints.reduce((a, e) => a + e.retransmits, 0);
  endpoints.forEach((e) => e.close());
  parentPort!.postMessage({
    type: 'done',
    ms,
    requests,
    bytes,
    retransmits,
  } satisfies CoapWorkerMessage);
}

run(workerData as CoapJob).catch((err: Error) =>
  parentPort!.postMessage({ type: 'failed', message: err.message } satisfies CoapWorkerMessage),
);
