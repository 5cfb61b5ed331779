/**
 * What a datagram is at the CoAP message layer (RFC 7252 §3), decided before the `coap`
 * package sees it: anything but a well-formed message is `invalid` and gets no answer.
 * Stricter than coap-packet's parser, which truncates option values that run past the
 * end, accepts a payload marker with nothing after it and reads the extended token
 * lengths of RFC 8974 where RFC 7252 reserves them.
 */
export type MessageType = 'CON' | 'NON' | 'ACK' | 'RST';

export type DatagramKind =
  | { kind: 'invalid'; reason: string }
  /** Code 0.00: a CoAP ping (CON), or the ACK/RST of a message of ours. */
  | { kind: 'empty'; type: MessageType; messageId: number }
  | { kind: 'request'; type: MessageType; messageId: number }
  | { kind: 'response'; type: MessageType; messageId: number };

const TYPES: readonly MessageType[] = ['CON', 'NON', 'ACK', 'RST'];
const HEADER_BYTES = 4;
const PAYLOAD_MARKER = 0xff;

const invalid = (reason: string): DatagramKind => ({ kind: 'invalid', reason });

export function inspectDatagram(datagram: Uint8Array): DatagramKind {
  if (datagram.length < HEADER_BYTES) return invalid('shorter than the 4-byte header');
  const first = datagram[0];
  // §3: unknown version numbers MUST be silently ignored.
  if (first >> 6 !== 1) return invalid(`version ${first >> 6}`);
  const type = TYPES[(first >> 4) & 3];
  const tokenLength = first & 0x0f;
  // §3: token lengths 9-15 are reserved and processed as a message format error.
  if (tokenLength > 8) return invalid(`reserved token length ${tokenLength}`);
  const code = datagram[1];
  const codeClass = code >> 5;
  const messageId = (datagram[2] << 8) | datagram[3];
  if (code === 0) {
    // §4.1: an Empty message has only the 4-byte header.
    if (datagram.length !== HEADER_BYTES) return invalid('an empty message with content');
    return { kind: 'empty', type, messageId };
  }
  // §12.1: classes 1, 6 and 7 are reserved.
  if (codeClass === 1 || codeClass > 5) return invalid(`reserved code class ${codeClass}`);
  const bad = optionsProblem(datagram, HEADER_BYTES + tokenLength);
  if (bad) return invalid(bad);
  return { kind: codeClass === 0 ? 'request' : 'response', type, messageId };
}

/** §3.1: the options and payload after the token; null when well-formed. */
function optionsProblem(datagram: Uint8Array, start: number): string | null {
  if (start > datagram.length) return 'token runs past the end';
  let at = start;
  while (at < datagram.length) {
    const byte = datagram[at++];
    if (byte === PAYLOAD_MARKER) {
      // §3: a marker followed by a zero-length payload is a message format error.
      return at === datagram.length ? 'payload marker without payload' : null;
    }
    const delta = extended(datagram, at, byte >> 4);
    if (!delta) return 'bad option delta';
    at = delta.next;
    const length = extended(datagram, at, byte & 0x0f);
    if (!length) return 'bad option length';
    at = length.next + length.value;
    if (at > datagram.length) return 'option value runs past the end';
  }
  return null;
}

/** §3.1: nibble 13 and 14 extend by one or two bytes; 15 is reserved outside the marker. */
function extended(
  datagram: Uint8Array,
  at: number,
  nibble: number,
): { value: number; next: number } | null {
  if (nibble < 13) return { value: nibble, next: at };
  if (nibble === 13)
    return at < datagram.length ? { value: datagram[at] + 13, next: at + 1 } : null;
  if (nibble === 14 && at + 1 < datagram.length) {
    return { value: ((datagram[at] << 8) | datagram[at + 1]) + 269, next: at + 2 };
  }
  return null;
}

/** §4.2: a Reset matching a message id, the answer to a CoAP ping. */
export function resetFor(messageId: number): Buffer {
  return Buffer.of(0x70, 0, messageId >> 8, messageId & 0xff);
}
