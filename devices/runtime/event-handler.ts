import { CONDITION_OPERATORS } from '../../src/protocol/guest-abi';

/**
 * The device's Event Handler, after COISA: `main` registers handlers for raw events
 * (a button press, an event injected from the gateway) and for processed events (a
 * sensor condition checked every period); once `main` returns, the VM serves the queue
 * one handler at a time. Time is passed in, so this stays deterministic.
 */
export type ConditionOp = (typeof CONDITION_OPERATORS)[number]['symbol'];
export const CONDITION_OPS: readonly ConditionOp[] = CONDITION_OPERATORS.map((op) => op.symbol);

export interface Condition {
  sensorType: number;
  index: number;
  op: ConditionOp;
  threshold: number;
  periodMs: number;
}

export interface PendingEvent {
  /** Guest address of the handler. */
  handler: number;
  value: number;
  /** What raised it: a raw event id, or `condition`. */
  source: number | 'condition';
}

export const MAX_RAW_HANDLERS = 16;
export const MAX_CONDITIONS = 8;
export const MAX_QUEUED = 64;
export const MIN_PERIOD_MS = 10;

interface Watch extends Condition {
  handler: number;
  dueAt: number;
}

export class EventHandler {
  private readonly raw = new Map<number, number>();
  private readonly watches: Watch[] = [];
  private readonly queue: PendingEvent[] = [];
  /** Events dropped because the queue was full. */
  dropped = 0;

  get hasHandlers(): boolean {
    return this.raw.size > 0 || this.watches.length > 0;
  }

  get pending(): number {
    return this.queue.length;
  }

  /** Registers (or replaces) the handler of a raw event id; false when the table is full. */
  onRaw(eventId: number, handler: number): boolean {
    if (!this.raw.has(eventId) && this.raw.size >= MAX_RAW_HANDLERS) return false;
    this.raw.set(eventId, handler);
    return true;
  }

  /** Registers a processed event; false when the table is full or the condition is invalid. */
  onCondition(condition: Condition, handler: number, nowMs: number): boolean {
    if (this.watches.length >= MAX_CONDITIONS || condition.periodMs < MIN_PERIOD_MS) return false;
    this.watches.push({ ...condition, handler, dueAt: nowMs + condition.periodMs });
    return true;
  }

  /** A raw event arrived; false when no handler wants it or the queue is full. */
  inject(eventId: number, value: number): boolean {
    const handler = this.raw.get(eventId);
    if (handler === undefined) return false;
    return this.enqueue({ handler, value, source: eventId });
  }

  /** Checks the conditions that are due, reading sensors through `read`. */
  poll(nowMs: number, read: (type: number, index: number) => number | null): void {
    for (const w of this.watches) {
      if (nowMs < w.dueAt) continue;
      w.dueAt = nowMs + w.periodMs;
      const value = read(w.sensorType, w.index);
      if (value !== null && holds(w.op, value, w.threshold)) {
        this.enqueue({ handler: w.handler, value, source: 'condition' });
      }
    }
  }

  /** When the next condition is due, or undefined when there are none. */
  nextDueAt(): number | undefined {
    return this.watches.length ? Math.min(...this.watches.map((w) => w.dueAt)) : undefined;
  }

  next(): PendingEvent | undefined {
    return this.queue.shift();
  }

  /** Forgets every handler and queued event (on reset or a new app). */
  clear(): void {
    this.raw.clear();
    this.watches.length = 0;
    this.queue.length = 0;
  }

  private enqueue(event: PendingEvent): boolean {
    if (this.queue.length >= MAX_QUEUED) {
      this.dropped++;
      return false;
    }
    this.queue.push(event);
    return true;
  }
}

function holds(op: ConditionOp, value: number, threshold: number): boolean {
  switch (op) {
    case '<':
      return value < threshold;
    case '<=':
      return value <= threshold;
    case '>':
      return value > threshold;
    case '>=':
      return value >= threshold;
  }
}
