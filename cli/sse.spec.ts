import { readSse, SseParser, type SseMessage } from './sse';

/** Feeds `text` in pieces cut at `cuts` (offsets), then ends the stream. */
function parseInPieces(text: string, cuts: number[]): SseMessage[] {
  const parser = new SseParser();
  const messages: SseMessage[] = [];
  let from = 0;
  for (const cut of [...cuts, text.length]) {
    messages.push(...parser.push(text.slice(from, cut)));
    from = cut;
  }
  return [...messages, ...parser.end()];
}

function everyCut(text: string): number[] {
  return Array.from({ length: text.length - 1 }, (_, i) => i + 1);
}

const STREAM =
  ': keep-alive\n' +
  'event: publish\n' +
  'data: {"a":1}\n' +
  '\n' +
  ': another comment\r\n' +
  'event: vm\r\n' +
  'data: {"b":\r\n' +
  'data: 2}\r\n' +
  '\r\n' +
  'data:no space\r' +
  '\r';

const EXPECTED: SseMessage[] = [
  { event: 'publish', data: '{"a":1}' },
  { event: 'vm', data: '{"b":\n2}' },
  { event: 'message', data: 'no space' },
];

describe('SseParser', () => {
  it.each([
    ['in one piece', []],
    ['split inside a field name', [3, 20]],
    ['split between CR and LF', [STREAM.indexOf('\r\n') + 1]],
    ['split right after a lone CR', [STREAM.length - 1]],
    ['split after every character', everyCut(STREAM)],
  ])('parses events, comments, CRLF and multi-line data %s', (_name, cuts) => {
    expect(parseInPieces(STREAM, cuts)).toEqual(EXPECTED);
  });

  it.each([
    ['a comment alone', ': keep-alive\n\n', []],
    ['an event with no data', 'event: vm\n\n', []],
    ['a field without a colon', 'data\n\n', [{ event: 'message', data: '' }]],
    [
      'unknown fields and retry',
      'retry: 10\nfoo: bar\ndata: x\n\n',
      [{ event: 'message', data: 'x' }],
    ],
    ['only one leading space removed', 'data:  two\n\n', [{ event: 'message', data: ' two' }]],
    ['a byte-order mark first', '\uFEFFdata: x\n\n', [{ event: 'message', data: 'x' }]],
    ['an unfinished last event', 'data: a\n\ndata: b\n', [{ event: 'message', data: 'a' }]],
    ['an empty data line', 'data\ndata: x\n\n', [{ event: 'message', data: '\nx' }]],
  ])('handles %s', (_name, text, expected) => {
    expect(parseInPieces(text, [])).toEqual(expected);
  });

  it('keeps the last event id for the events that follow', () => {
    const text = 'id: 7\ndata: a\n\ndata: b\n\nid\ndata: c\n\n';
    expect(parseInPieces(text, [])).toEqual([
      { event: 'message', data: 'a', id: '7' },
      { event: 'message', data: 'b', id: '7' },
      { event: 'message', data: 'c', id: '' },
    ]);
  });

  it('resets the event type after each event', () => {
    expect(parseInPieces('event: emit\ndata: 1\n\ndata: 2\n\n', [])).toEqual([
      { event: 'emit', data: '1' },
      { event: 'message', data: '2' },
    ]);
  });
});

describe('readSse', () => {
  function bodyOf(chunks: Uint8Array[]): ReadableStream<Uint8Array> {
    return new ReadableStream({
      start(controller) {
        for (const chunk of chunks) controller.enqueue(chunk);
        controller.close();
      },
    });
  }

  it('decodes UTF-8 split across chunks', async () => {
    const bytes = new TextEncoder().encode('data: température\n\n');
    const cut = bytes.indexOf(0xc3) + 1; // inside the two bytes of "é"
    const messages: SseMessage[] = [];
    for await (const m of readSse(bodyOf([bytes.subarray(0, cut), bytes.subarray(cut)]))) {
      messages.push(m);
    }
    expect(messages).toEqual([{ event: 'message', data: 'température' }]);
  });

  it('cancels the body when the reader stops early', async () => {
    let cancelled = false;
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode('data: 1\n\ndata: 2\n\n'));
      },
      cancel() {
        cancelled = true;
      },
    });
    for await (const message of readSse(body)) {
      expect(message.data).toBe('1');
      break;
    }
    expect(cancelled).toBe(true);
  });
});
