import fc from 'fast-check';
import { MqttFrameMeter, PacketTooLargeError } from '../../../src/mqtt/frame-limit';
import { type FuzzTarget, PropertyViolation } from '../harness';
import { concat, mutationsOf } from '../mutate';

/**
 * Input: u16 packet limit, one byte of chunk size (how the stream is split into reads), then
 * the byte stream a client sends.
 */
function encodeInput(limit: number, chunk: number, stream: Uint8Array): Uint8Array {
  return concat(new Uint8Array([limit & 0xff, limit >> 8, chunk]), stream);
}

/** [MQTT-2.2.3] Remaining Length: 7 bits a byte, low first, continuation in bit 7. */
function remainingLength(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n % 128;
    n = Math.floor(n / 128);
    if (n > 0) b |= 0x80;
    out.push(b);
  } while (n > 0);
  return out;
}

const frames = fc
  .tuple(
    fc.integer({ min: 16, max: 2000 }),
    fc.integer({ min: 0, max: 255 }),
    fc.array(fc.tuple(fc.integer({ min: 0, max: 255 }), fc.nat({ max: 2100 })), { maxLength: 8 }),
  )
  .map(([limit, chunk, packets]) => {
    const stream = concat(
      ...packets.map(
        ([type, n]) => new Uint8Array([type, ...remainingLength(n), ...new Uint8Array(n)]),
      ),
    );
    return encodeInput(limit, chunk, stream);
  });

type Outcome = { kind: 'ok' } | { kind: 'too_large'; size: number } | { kind: 'malformed' };

/** The reference: the same stream walked whole, written from the spec, not from the meter. */
function reference(stream: Uint8Array, limit: number): Outcome {
  let i = 0;
  while (i < stream.length) {
    i++; // fixed header byte 1: type and flags
    let length = 0;
    for (let k = 0; ; k++) {
      if (i >= stream.length) return { kind: 'ok' }; // the rest has not arrived yet
      const byte = stream[i++];
      length += (byte & 0x7f) * 128 ** k;
      if ((byte & 0x80) === 0) break;
      // At most 4 bytes: a 4th with the continuation bit is malformed as soon as it arrives.
      if (k === 3) return { kind: 'malformed' };
    }
    if (length > limit) return { kind: 'too_large', size: length };
    i += length;
  }
  return { kind: 'ok' };
}

function meter(stream: Uint8Array, limit: number, chunk: number): Outcome {
  const m = new MqttFrameMeter(limit);
  try {
    for (let i = 0; i < stream.length; i += chunk) m.feed(stream.subarray(i, i + chunk));
  } catch (err) {
    if (err instanceof PacketTooLargeError) return { kind: 'too_large', size: err.size };
    if (err instanceof Error && err.message === 'malformed MQTT remaining length') {
      return { kind: 'malformed' };
    }
    throw err;
  }
  return { kind: 'ok' };
}

/** MQTT frames at the frame limiter: the meter agrees with the spec for every read split. */
export const mqttFramesTarget: FuzzTarget = {
  name: 'mqtt-frames',
  covers: 'src/mqtt/frame-limit.ts MqttFrameMeter (the limiter in front of aedes)',
  ciRuns: 2000,
  inputs: () => {
    const seeds = fc.sample(frames, { numRuns: 50, seed: 15 });
    return fc.oneof(
      { arbitrary: frames, weight: 3 },
      { arbitrary: mutationsOf(seeds), weight: 3 },
      { arbitrary: fc.uint8Array({ minLength: 3, maxLength: 300 }), weight: 1 },
    );
  },
  check: (input) => {
    if (input.length < 3) return 'refused';
    const limit = input[0] | (input[1] << 8);
    const stream = input.subarray(3);
    const expected = reference(stream, limit);
    for (const chunk of [stream.length || 1, input[2] || 1, 1]) {
      const got = meter(stream, limit, chunk);
      if (
        got.kind !== expected.kind ||
        (got.kind === 'too_large' && got.size !== (expected as { size: number }).size)
      ) {
        throw new PropertyViolation(
          `reads of ${chunk} bytes: meter says ${JSON.stringify(got)}, the spec ${JSON.stringify(expected)}`,
        );
      }
    }
    return expected.kind === 'ok' ? 'accepted' : 'refused';
  },
};
