import { Readable } from 'node:stream';

/** The part of a retained PUBLISH the broker stores and replays. */
export interface RetainedPacket {
  topic: string;
  payload: Buffer | Uint8Array | string;
  [field: string]: unknown;
}

/**
 * The retained messages of the embedded broker, by topic. aedes' memory persistence tests
 * every retained topic against every pattern of a SUBSCRIBE, so with one retained `status`
 * per device each device's birth costs O(devices) and a fleet's connect O(devices²): 46 ms
 * a SUBSCRIBE at 10,000 devices. A device subscribes to its own topics, without wildcards,
 * and such a filter matches exactly the one topic equal to it (MQTT 3.1.1 §4.7), a map
 * lookup; only wildcard filters (an observer's `vmfleet/v1/+/status`) scan.
 */
export class RetainedIndex {
  private readonly byTopic = new Map<string, RetainedPacket>();

  /** [MQTT-3.3.1-10]: an empty retained payload removes the topic's retained message. */
  store(packet: RetainedPacket): void {
    if (packet.payload.length === 0) this.byTopic.delete(packet.topic);
    else this.byTopic.set(packet.topic, { ...packet });
  }

  get size(): number {
    return this.byTopic.size;
  }

  /** The retained messages matching each filter, in the filters' order. */
  *matching(filters: readonly string[]): Generator<RetainedPacket> {
    for (const filter of filters) {
      if (!filter.includes('+') && !filter.includes('#')) {
        const packet = this.byTopic.get(filter);
        if (packet) yield packet;
        continue;
      }
      for (const [topic, packet] of this.byTopic) if (topicMatches(filter, topic)) yield packet;
    }
  }
}

/**
 * MQTT 3.1.1 §4.7 topic filter matching: `+` is one level, `#` (last) the rest including
 * the parent level ([MQTT-4.7.1-2]); a filter starting with a wildcard does not match a
 * topic starting with `$` ([MQTT-4.7.2-1]).
 */
export function topicMatches(filter: string, topic: string): boolean {
  if (topic.startsWith('$') && (filter.startsWith('+') || filter.startsWith('#'))) return false;
  const f = filter.split('/');
  const t = topic.split('/');
  for (let i = 0; i < f.length; i++) {
    if (f[i] === '#') return true;
    if (i >= t.length) return false;
    if (f[i] !== '+' && f[i] !== t[i]) return false;
  }
  return f.length === t.length;
}

/** What aedes calls on its persistence for retained messages (aedes.js, handlers/subscribe.js). */
interface RetainedPersistence {
  storeRetained(packet: RetainedPacket, cb?: (err: Error | null) => void): unknown;
  createRetainedStream(pattern: string): Readable;
  createRetainedStreamCombi(patterns: string[]): Readable;
}

/** Hands a persistence's retained messages to a RetainedIndex; everything else stays its own. */
export function withRetainedIndex<P extends object>(
  persistence: P,
  index = new RetainedIndex(),
): P {
  const retained: RetainedPersistence = {
    storeRetained(packet, cb) {
      index.store(packet);
      if (cb) process.nextTick(cb, null);
      return Promise.resolve();
    },
    createRetainedStream: (pattern) => Readable.from(index.matching([pattern])),
    createRetainedStreamCombi: (patterns) => Readable.from(index.matching(patterns)),
  };
  return Object.assign(persistence, retained);
}
