import { ApiError, GatewayUnreachableError, type ApiClient } from './api-client';
import type { DeviceEvent } from '../src/protocol/api';
import { formatDuration } from './format';
import type { CliIo } from './output';
import { stopOnSignals, waitForStop, type SignalSource } from './sim/signals';
import { printEventLine } from './views/event-views';

export interface FollowContext {
  client: ApiClient;
  io: CliIo;
  signals: SignalSource;
  now: () => number;
}

export interface FollowOptions {
  /** Print the events since then first (ISO or Unix ms, as the gateway takes it). */
  since?: string;
  limit?: number;
  kind?: string;
  json: boolean;
  /** Pauses before reconnecting, the last one repeating; tests shorten them. */
  backoffMs?: readonly number[];
}

const BACKOFF_MS = [500, 1000, 2000, 5000];
/** Ids remembered to drop events seen twice (history and stream overlap); oldest forgotten first. */
const SEEN_IDS = 2000;
/** The most a catch-up after a reconnect asks for (the endpoint's limit). */
const CATCH_UP_LIMIT = 1000;

/**
 * `vmfleet events <id> --follow`: prints events as the gateway streams them until Ctrl-C.
 * The stream is opened before the history is fetched, so nothing falls between the two;
 * events both return are printed once. When the stream ends, it reconnects after a short
 * backoff and fetches what it missed meanwhile.
 */
export async function followEvents(
  ctx: FollowContext,
  deviceId: string,
  options: FollowOptions,
): Promise<void> {
  const stop = stopOnSignals(ctx.signals);
  try {
    await new Follower(ctx, deviceId, options, stop.signal).run();
  } finally {
    stop.dispose();
  }
}

function isRetryable(err: unknown): boolean {
  return err instanceof GatewayUnreachableError || (err instanceof ApiError && err.status >= 500);
}

class Follower {
  private readonly seen = new Set<string>();
  private lastTs: string | undefined;
  private connectedAt: string | undefined;
  private failures = 0;

  constructor(
    private readonly ctx: FollowContext,
    private readonly deviceId: string,
    private readonly options: FollowOptions,
    private readonly signal: AbortSignal,
  ) {}

  async run(): Promise<void> {
    let since = this.options.since;
    let limit = this.options.limit;
    while (!this.signal.aborted) {
      const firstTime = this.connectedAt === undefined;
      const stream = await this.connect();
      if (!stream) return;
      await this.catchUp(since, limit, firstTime);
      const received = await this.pump(stream);
      if (this.signal.aborted) return;
      this.failures = received > 0 ? 1 : this.failures + 1;
      since = this.lastTs ?? since ?? this.connectedAt;
      limit = CATCH_UP_LIMIT;
      if (!(await this.pause('the event stream ended'))) return;
    }
  }

  /** The open stream, or undefined when stopped. Only a first failure is fatal. */
  private async connect(): Promise<AsyncIterable<DeviceEvent> | undefined> {
    for (;;) {
      try {
        const at = new Date(this.ctx.now()).toISOString();
        const stream = await this.ctx.client.openEventStream(this.deviceId, this.signal);
        this.connectedAt = at;
        return stream;
      } catch (err) {
        if (this.signal.aborted) return undefined;
        if (this.connectedAt === undefined || !isRetryable(err)) throw err;
        this.failures++;
        if (!(await this.pause(`cannot reconnect: ${(err as Error).message}`))) return undefined;
      }
    }
  }

  private async catchUp(
    since: string | undefined,
    limit: number | undefined,
    firstTime: boolean,
  ): Promise<void> {
    if (since === undefined) return;
    const query = { since, limit, kind: this.options.kind };
    try {
      for (const event of await this.ctx.client.listEvents(this.deviceId, query)) {
        this.print(event);
      }
    } catch (err) {
      if (firstTime || this.signal.aborted) throw err;
      this.ctx.io.stderr(
        `could not fetch the events missed meanwhile: ${(err as Error).message}\n`,
      );
    }
  }

  /** Prints events until the stream ends; returns how many arrived. */
  private async pump(stream: AsyncIterable<DeviceEvent>): Promise<number> {
    let received = 0;
    try {
      for await (const event of stream) {
        received++;
        this.print(event);
      }
    } catch (err) {
      // An event the CLI cannot read is fatal; a dropped connection is reconnected.
      if (err instanceof ApiError && !this.signal.aborted) throw err;
    }
    return received;
  }

  private print(event: DeviceEvent): void {
    if (this.options.kind !== undefined && event.kind !== this.options.kind) return;
    const key = String(event.id);
    if (this.seen.has(key)) return;
    this.seen.add(key);
    if (this.seen.size > SEEN_IDS) this.seen.delete(this.seen.values().next().value as string);
    this.lastTs = event.ts;
    printEventLine(this.ctx.io, event, this.options.json);
  }

  /** Waits before reconnecting; false when Ctrl-C came first. */
  private async pause(reason: string): Promise<boolean> {
    const steps = this.options.backoffMs ?? BACKOFF_MS;
    const delay = steps[Math.min(Math.max(this.failures, 1), steps.length) - 1];
    this.ctx.io.stderr(`${reason}; reconnecting in ${formatDuration(delay)}\n`);
    return (await waitForStop(this.signal, delay)) === 'duration';
  }
}
