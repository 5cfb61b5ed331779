import fc from 'fast-check';
import { Block1Uploads } from '../../../src/coap/coap-block1';
import { type FuzzTarget, PropertyViolation } from '../harness';
import { mutationsOf } from '../mutate';

/** Small limits, so eviction, timeouts and the caps happen within a few requests. */
const LIMITS = { timeoutMs: 1000, perEndpoint: 2, total: 4, anonymousTotal: 2, maxBodyBytes: 256 };
const OP_BYTES = 5;

/**
 * Input: 5 bytes per request: endpoint (2 bits) and resource (2 bits) and anonymous (1 bit),
 * block number, M + SZX, payload length, then milliseconds that pass before it.
 */
interface Step {
  endpoint: string;
  resource: string;
  anonymous: boolean;
  num: number;
  more: boolean;
  size: number;
  payload: Buffer;
  advanceMs: number;
}

function steps(input: Uint8Array): Step[] {
  const out: Step[] = [];
  for (let at = 0; at + OP_BYTES <= input.length; at += OP_BYTES) {
    const [who, num, flags, length, advance] = input.subarray(at, at + OP_BYTES);
    const size = 2 ** ((flags & 7) % 7) * 16; // SZX 0-6; 7 is refused before Block1Uploads
    const payloadLength = length & 0x80 ? size : length % (size + 1);
    out.push({
      endpoint: `10.0.0.${who & 3}:5683`,
      resource: `POST /v1/${(who >> 2) & 3}`,
      anonymous: (who & 0x10) !== 0,
      num: num & 0x1f,
      more: (flags & 8) !== 0,
      size,
      payload: Buffer.alloc(payloadLength, at & 0xff),
      advanceMs: advance * 8,
    });
  }
  return out;
}

/** Uploads sent in order (the valid case), of any sizes, from a few endpoints. */
const inOrder = fc
  .array(
    fc.tuple(fc.nat({ max: 31 }), fc.integer({ min: 0, max: 6 }), fc.integer({ min: 0, max: 8 })),
    { maxLength: 6 },
  )
  .map((uploads) => {
    const bytes: number[] = [];
    for (const [who, szx, blocks] of uploads) {
      for (let num = 0; num <= blocks; num++) {
        const last = num === blocks;
        bytes.push(who, num, szx | (last ? 0 : 8), last ? 3 : 0x80, 1);
      }
    }
    return new Uint8Array(bytes);
  });

/**
 * The CoAP gateway's Block1 reassembly (src/coap/coap-block1.ts), fed request sequences:
 * never throws, stays within its caps, hands on exactly the blocks it took, in order,
 * and holds no bytes once cleared.
 */
export const coapBlock1Target: FuzzTarget = {
  name: 'coap-block1',
  covers: 'src/coap/coap-block1.ts Block1Uploads (reassembly, caps, timeouts)',
  ciRuns: 1000,
  inputs: () => {
    const seeds = fc.sample(inOrder, { numRuns: 50, seed: 15 }).filter((b) => b.length > 0);
    return fc.oneof(
      { arbitrary: inOrder, weight: 2 },
      { arbitrary: mutationsOf(seeds), weight: 3 },
      { arbitrary: fc.uint8Array({ maxLength: 80 }), weight: 2 },
    );
  },
  check: (input) => {
    let clock = 0;
    const uploads = new Block1Uploads(LIMITS, () => clock);
    const model = new Map<string, { chunks: Buffer[]; received: number; lastOffset: number }>();
    let completed = 0;
    for (const s of steps(input)) {
      clock += s.advanceMs;
      const key = `${s.endpoint} ${s.resource}`;
      const block = { num: s.num, more: s.more, size: s.size };
      const outcome = uploads.receive({ ...s, block });
      const offset = s.num * s.size;
      if (outcome.kind === 'refused') model.delete(key);
      else if (outcome.kind === 'continue') {
        const m = model.get(key);
        if (s.num === 0)
          model.set(key, { chunks: [s.payload], received: s.payload.length, lastOffset: 0 });
        else if (m && offset === m.received) {
          m.chunks.push(s.payload);
          m.lastOffset = offset;
          m.received += s.payload.length;
        } else if (!m || offset !== m.lastOffset) {
          throw new PropertyViolation(`block ${s.num} of ${key} continued out of order`);
        }
      } else {
        const m = model.get(key);
        const expected = s.num === 0 ? s.payload : Buffer.concat([...(m?.chunks ?? []), s.payload]);
        if (s.num !== 0 && !m)
          throw new PropertyViolation(`block ${s.num} completed an upload never started`);
        if (!outcome.body.equals(expected))
          throw new PropertyViolation(`${key}: the body is not the blocks taken`);
        model.delete(key);
        completed++;
      }
      if (
        uploads.size > LIMITS.total ||
        uploads.bytes < 0 ||
        uploads.bytes > LIMITS.total * LIMITS.maxBodyBytes
      ) {
        throw new PropertyViolation(
          `over the caps: ${uploads.size} uploads, ${uploads.bytes} bytes`,
        );
      }
    }
    uploads.clear();
    if (uploads.size !== 0 || uploads.bytes !== 0) {
      throw new PropertyViolation(
        `cleared, yet ${uploads.size} uploads hold ${uploads.bytes} bytes`,
      );
    }
    return completed > 0 ? 'accepted' : 'refused';
  },
};
