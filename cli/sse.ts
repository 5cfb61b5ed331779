/**
 * Incremental parser for `text/event-stream` (WHATWG HTML, §9.2 Server-sent events,
 * "Parsing an event stream"). Feed it text as it arrives, split anywhere; it returns the
 * events completed so far. Decoding bytes to text (UTF-8, split code points) is the caller's.
 */

export interface SseMessage {
  /** The `event:` field; "message" when the event named none. */
  event: string;
  /** The `data:` lines joined with "\n". */
  data: string;
  /** The last `id:` seen on the stream, if any. */
  id?: string;
}

export class SseParser {
  private buffer = '';
  private eventType = '';
  private data: string[] = [];
  private lastEventId: string | undefined;
  private firstChunk = true;

  push(text: string): SseMessage[] {
    if (this.firstChunk && text.length > 0) {
      this.firstChunk = false;
      // §9.2.6: one leading U+FEFF BOM is ignored.
      if (text.startsWith('\uFEFF')) text = text.slice(1);
    }
    this.buffer += text;
    return this.drain(false);
  }

  /** The stream ended: a trailing "\r" ends its line, but an event without a blank line is dropped. */
  end(): SseMessage[] {
    const messages = this.drain(true);
    this.buffer = '';
    this.eventType = '';
    this.data = [];
    return messages;
  }

  private drain(atEnd: boolean): SseMessage[] {
    const messages: SseMessage[] = [];
    for (;;) {
      const line = this.nextLine(atEnd);
      if (line === undefined) return messages;
      const message = this.processLine(line);
      if (message) messages.push(message);
    }
  }

  /** Lines end with CRLF, LF or CR; a CR at the end of the buffer may be half of a CRLF. */
  private nextLine(atEnd: boolean): string | undefined {
    const end = this.buffer.search(/[\r\n]/);
    if (end < 0) return undefined;
    if (this.buffer[end] === '\r' && end === this.buffer.length - 1 && !atEnd) return undefined;
    const terminator = this.buffer.startsWith('\r\n', end) ? 2 : 1;
    const line = this.buffer.slice(0, end);
    this.buffer = this.buffer.slice(end + terminator);
    return line;
  }

  private processLine(line: string): SseMessage | undefined {
    if (line === '') return this.dispatch();
    if (line.startsWith(':')) return undefined; // a comment, e.g. `: keep-alive`
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    switch (field) {
      case 'event':
        this.eventType = value;
        break;
      case 'data':
        this.data.push(value);
        break;
      case 'id':
        if (!value.includes('\0')) this.lastEventId = value;
        break;
      default:
        break; // `retry` and unknown fields are ignored
    }
    return undefined;
  }

  private dispatch(): SseMessage | undefined {
    const data = this.data;
    const event = this.eventType || 'message';
    this.data = [];
    this.eventType = '';
    if (data.length === 0) return undefined;
    const message: SseMessage = { event, data: data.join('\n') };
    if (this.lastEventId !== undefined) message.id = this.lastEventId;
    return message;
  }
}

/**
 * The messages of an event-stream body as they arrive. Leaving early (break, an error)
 * cancels the body, so the connection does not stay open.
 */
export async function* readSse(body: ReadableStream<Uint8Array>): AsyncGenerator<SseMessage> {
  const decoder = new TextDecoder();
  const parser = new SseParser();
  try {
    for await (const chunk of body) yield* parser.push(decoder.decode(chunk, { stream: true }));
    yield* parser.push(decoder.decode());
    yield* parser.end();
  } finally {
    await body.cancel().catch(() => undefined);
  }
}
