import type { BlockOption } from '../protocol';

/**
 * Block1 reassembly (RFC 7959 §2.5) with bounded memory: blocks must come in order, a
 * reassembly lives `timeoutMs` past its last block, an endpoint holds at most
 * `perEndpoint` of them (a new one replaces its oldest) and the gateway at most `total`,
 * of which `anonymousTotal` without a session (registrations). A body is identified by
 * its endpoint and request URI, not its token, which §2.5 lets the client change.
 */
export interface Block1Limits {
  timeoutMs: number;
  perEndpoint: number;
  total: number;
  anonymousTotal: number;
  maxBodyBytes: number;
}

export type Block1Outcome =
  /** 2.31 Continue, echoing the block. */
  | { kind: 'continue'; block: BlockOption }
  /** The whole body: hand it on as one request. */
  | { kind: 'complete'; body: Buffer; block: BlockOption }
  | { kind: 'refused'; code: '4.00' | '4.08' | '4.13' | '5.03'; message: string; maxAgeS?: number };

interface Reassembly {
  endpoint: string;
  anonymous: boolean;
  chunks: Buffer[];
  received: number;
  /** Offset of the last block taken: its retransmission is acknowledged again. */
  lastOffset: number;
  at: number;
}

export interface Block1Request {
  endpoint: string;
  /** Method and URI: what tells two bodies of one endpoint apart. */
  resource: string;
  block: BlockOption;
  payload: Buffer;
  /** RFC 7959 §4: the size the client announced, if it did. */
  size1?: number;
  anonymous: boolean;
}

export class Block1Uploads {
  private readonly uploads = new Map<string, Reassembly>();
  private readonly perEndpoint = new Map<string, number>();
  private anonymous = 0;
  private heldBytes = 0;

  constructor(
    private readonly limits: Block1Limits,
    private readonly now: () => number = Date.now,
  ) {}

  receive(req: Block1Request): Block1Outcome {
    const { block, payload } = req;
    const key = `${req.endpoint} ${req.resource}`;
    const offset = block.num * block.size;
    const max = this.limits.maxBodyBytes;
    if (offset + payload.length > max || (req.size1 ?? 0) > max) {
      this.drop(key);
      return { kind: 'refused', code: '4.13', message: `body over ${max} bytes` };
    }
    if (block.more && payload.length !== block.size) {
      this.drop(key);
      const message = `block ${block.num} has ${payload.length} bytes; a block with M set carries ${block.size} (RFC 7959 §2.2)`;
      return { kind: 'refused', code: '4.00', message };
    }
    if (block.num === 0) return this.start(key, req);
    const upload = this.uploads.get(key);
    if (!upload) {
      const message = `no upload of ${req.resource} in progress (or it timed out): start at block 0`;
      return { kind: 'refused', code: '4.08', message };
    }
    if (offset === upload.lastOffset && offset + payload.length === upload.received) {
      this.refresh(key, upload);
      return { kind: 'continue', block }; // a retransmission of the block taken last
    }
    if (offset !== upload.received) {
      this.drop(key);
      const message = `block ${block.num} starts at byte ${offset}; expected byte ${upload.received}`;
      return { kind: 'refused', code: '4.08', message };
    }
    return this.append(key, upload, block, payload);
  }

  /** Drops every reassembly idle for `timeoutMs`; returns how many. */
  sweep(): number {
    const oldest = this.now() - this.limits.timeoutMs;
    let dropped = 0;
    // Insertion order is activity order (refresh re-inserts): stop at the first live one.
    for (const [key, upload] of this.uploads) {
      if (upload.at > oldest) break;
      this.drop(key);
      dropped++;
    }
    return dropped;
  }

  clear(): void {
    for (const key of [...this.uploads.keys()]) this.drop(key);
  }

  get size(): number {
    return this.uploads.size;
  }

  get maxBodyBytes(): number {
    return this.limits.maxBodyBytes;
  }

  /** Body bytes held by unfinished reassemblies. */
  get bytes(): number {
    return this.heldBytes;
  }

  private start(key: string, req: Block1Request): Block1Outcome {
    this.drop(key); // block 0 again: the client starts over
    if (!req.block.more) return { kind: 'complete', body: req.payload, block: req.block };
    this.sweep();
    if ((this.perEndpoint.get(req.endpoint) ?? 0) >= this.limits.perEndpoint) {
      this.dropOldestOf(req.endpoint);
    }
    const full = this.uploads.size >= this.limits.total;
    if (full || (req.anonymous && this.anonymous >= this.limits.anonymousTotal)) {
      return {
        kind: 'refused',
        code: '5.03',
        message: 'too many uploads in progress; retry later',
        maxAgeS: this.retryAfterS(),
      };
    }
    const upload: Reassembly = {
      endpoint: req.endpoint,
      anonymous: req.anonymous,
      chunks: [],
      received: 0,
      lastOffset: 0,
      at: this.now(),
    };
    this.uploads.set(key, upload);
    this.perEndpoint.set(req.endpoint, (this.perEndpoint.get(req.endpoint) ?? 0) + 1);
    if (req.anonymous) this.anonymous++;
    return this.append(key, upload, req.block, req.payload);
  }

  private append(
    key: string,
    upload: Reassembly,
    block: BlockOption,
    payload: Buffer,
  ): Block1Outcome {
    upload.lastOffset = upload.received;
    // A copy: a view would keep the whole received datagram alive.
    upload.chunks.push(Buffer.from(payload));
    upload.received += payload.length;
    this.heldBytes += payload.length;
    if (block.more) {
      this.refresh(key, upload);
      return { kind: 'continue', block };
    }
    const body = Buffer.concat(upload.chunks, upload.received);
    this.drop(key);
    return { kind: 'complete', body, block };
  }

  private refresh(key: string, upload: Reassembly): void {
    upload.at = this.now();
    this.uploads.delete(key);
    this.uploads.set(key, upload);
  }

  private drop(key: string): void {
    const upload = this.uploads.get(key);
    if (!upload) return;
    this.uploads.delete(key);
    this.heldBytes -= upload.received;
    const left = (this.perEndpoint.get(upload.endpoint) ?? 1) - 1;
    if (left > 0) this.perEndpoint.set(upload.endpoint, left);
    else this.perEndpoint.delete(upload.endpoint);
    if (upload.anonymous) this.anonymous--;
  }

  private dropOldestOf(endpoint: string): void {
    for (const [key, upload] of this.uploads) {
      if (upload.endpoint === endpoint) return this.drop(key);
    }
  }

  /** Seconds until the least recently active reassembly times out (RFC 7252 §5.9.3.4). */
  private retryAfterS(): number {
    const first = this.uploads.values().next().value;
    const ms = first ? first.at + this.limits.timeoutMs - this.now() : this.limits.timeoutMs;
    return Math.max(1, Math.ceil(ms / 1000));
  }
}
