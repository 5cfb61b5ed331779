import { Inject, Injectable, Logger, type OnApplicationShutdown, Optional } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import { MetricsService } from '../metrics/metrics.service';

/** The JSON POSTed to a rule's webhook (docs/monitoring.md "Webhook"). */
export interface WebhookPayload {
  status: 'firing' | 'resolved';
  rule: { id: number; name: string; kind: string };
  device: string | null;
  deployment: number | null;
  value: number | null;
  message: string;
  /** When it fired or resolved, ISO 8601. */
  at: string;
  alert: { id: number; firedAt: string; resolvedAt: string | null };
}

export interface NotifierOptions {
  /** Attempts per notification, the first included. */
  tries: number;
  /** Wait before the second attempt; doubles per attempt up to `maxDelayMs`. */
  firstDelayMs: number;
  maxDelayMs: number;
  /** One attempt gives up after this (a webhook that hangs). */
  timeoutMs: number;
  /** Notifications waiting per URL at most; beyond it the oldest is dropped. */
  maxQueued: number;
}

export const DEFAULT_NOTIFIER: NotifierOptions = {
  tries: 5,
  firstDelayMs: 500,
  maxDelayMs: 8000,
  timeoutMs: 5000,
  maxQueued: 1000,
};

/** DI token to override DEFAULT_NOTIFIER (specs shorten the waits). */
export const NOTIFIER_OPTIONS = Symbol('NOTIFIER_OPTIONS');

interface UrlQueue {
  items: WebhookPayload[];
  draining: boolean;
}

/**
 * Delivers alert notifications to webhooks, off the ingest path: `notify` only queues.
 * One queue per URL, sent in order (a resolution never overtakes its firing), each
 * notification tried a bounded number of times with a doubling back-off. A 2xx answer is a
 * delivery; anything else, a refused connection or a timeout is a failed attempt.
 */
@Injectable()
export class WebhookNotifier implements OnApplicationShutdown {
  private readonly logger = new Logger('Alerts');
  private readonly queues = new Map<string, UrlQueue>();
  private readonly stopping = new AbortController();

  constructor(
    private readonly metrics: MetricsService,
    @Optional()
    @Inject(NOTIFIER_OPTIONS)
    private readonly options: NotifierOptions = DEFAULT_NOTIFIER,
  ) {}

  notify(url: string, payload: WebhookPayload): void {
    if (this.stopping.signal.aborted) return;
    const queue = this.queues.get(url) ?? { items: [], draining: false };
    this.queues.set(url, queue);
    queue.items.push(payload);
    if (queue.items.length > this.options.maxQueued) {
      queue.items.shift();
      this.metrics.alertNotifications.inc({ outcome: 'dropped' });
    }
    if (!queue.draining) void this.drain(url, queue);
  }

  onApplicationShutdown(): void {
    this.stopping.abort();
  }

  private async drain(url: string, queue: UrlQueue): Promise<void> {
    queue.draining = true;
    try {
      for (let next = queue.items.shift(); next; next = queue.items.shift()) {
        if (this.stopping.signal.aborted) return;
        await this.deliver(url, next);
      }
    } finally {
      queue.draining = false;
      if (queue.items.length === 0) this.queues.delete(url);
    }
  }

  private async deliver(url: string, payload: WebhookPayload): Promise<void> {
    const { tries, firstDelayMs, maxDelayMs } = this.options;
    let problem = '';
    for (let attempt = 1; attempt <= tries; attempt++) {
      problem = await this.attempt(url, payload);
      if (!problem) return void this.metrics.alertNotifications.inc({ outcome: 'delivered' });
      if (this.stopping.signal.aborted) return;
      if (attempt === tries) break;
      this.metrics.alertNotifications.inc({ outcome: 'retried' });
      const delay = Math.min(maxDelayMs, firstDelayMs * 2 ** (attempt - 1));
      try {
        await sleep(delay, undefined, { signal: this.stopping.signal });
      } catch {
        return; // shutting down
      }
    }
    this.metrics.alertNotifications.inc({ outcome: 'failed' });
    this.logger.warn(
      `webhook ${redact(url)}: gave up on alert ${payload.alert.id} (${payload.status}) after ${tries} tries: ${problem}`,
    );
  }

  /** One POST; '' when delivered, else what went wrong. */
  private async attempt(url: string, payload: WebhookPayload): Promise<string> {
    // An own timer, not AbortSignal.timeout: that one never fires under Jest's environment.
    const attempt = new AbortController();
    const timer = setTimeout(() => attempt.abort(), this.options.timeoutMs);
    const stop = () => attempt.abort();
    this.stopping.signal.addEventListener('abort', stop);
    try {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'user-agent': 'vmfleet-alerts' },
        body: JSON.stringify(payload),
        signal: attempt.signal,
      });
      await res.body?.cancel();
      return res.ok ? '' : `HTTP ${res.status}`;
    } catch (err) {
      if (attempt.signal.aborted) return `no answer within ${this.options.timeoutMs} ms`;
      const cause = (err as Error & { cause?: Error }).cause;
      return cause?.message ?? (err as Error).message;
    } finally {
      clearTimeout(timer);
      this.stopping.signal.removeEventListener('abort', stop);
    }
  }
}

/** A URL without its credentials and query, for logs (webhook URLs often carry a secret). */
function redact(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname}`;
  } catch {
    return '(invalid URL)';
  }
}
