import { EventEmitter } from 'node:events';
import { ApiClient } from './api-client';
import { followEvents } from './events-follow';
import { captureIo } from './testing/capture-io';
import { fail, makeEvent, sseMessage } from './testing/fake-gateway';
import { startStubServer, type StubResponse, type StubServer } from './testing/stub-server';

describe('followEvents', () => {
  let server: StubServer | undefined;

  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  async function follow(streamReplies: StubResponse[], until: (out: string) => boolean) {
    server = await startStubServer((req) =>
      req.path.endsWith('/stream')
        ? (streamReplies.shift() ?? { status: 200, stream: { chunks: [], keepOpen: true } })
        : { status: 200, body: { items: [] } },
    );
    const { io, stdout, stderr } = captureIo();
    const signals = new EventEmitter();
    const client = new ApiClient({ baseUrl: server.url });
    const ctx = { client, io, signals, now: () => Date.parse('2024-05-01T12:00:00Z') };
    const done = followEvents(ctx, 'lab-01', { json: false, backoffMs: [10, 20] });
    const deadline = Date.now() + 5000;
    while (!until(stdout()) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    signals.emit('SIGINT', 'SIGINT');
    await done;
    return { stdout: stdout(), stderr: stderr(), requests: server.requests };
  }

  it('keeps retrying, with growing pauses, while the gateway fails after the first connection', async () => {
    const event = makeEvent({ name: 'back', value: 1 });
    const { stdout, stderr, requests } = await follow(
      [
        { status: 200, stream: { chunks: [] } },
        fail(503, 'unavailable', 'restarting'),
        fail(502, 'bad_gateway', 'proxy'),
        { status: 200, stream: { chunks: [sseMessage(event)], keepOpen: true } },
      ],
      (out) => out.includes('back=1'),
    );
    expect(stdout).toContain('back=1');
    expect(stderr.split('\n')).toEqual([
      'the event stream ended; reconnecting in 10ms',
      'cannot reconnect: restarting; reconnecting in 20ms',
      'cannot reconnect: proxy; reconnecting in 20ms',
      '',
    ]);
    // No event before the drop, so the catch-up starts where the first stream did.
    const catchUp = requests.find((r) => r.path === '/api/devices/lab-01/events');
    expect(catchUp?.query.get('since')).toBe('2024-05-01T12:00:00.000Z');
  });

  it('gives up on an error a retry cannot fix', async () => {
    server = await startStubServer((req) =>
      req.headers.authorization
        ? { status: 200, stream: { chunks: [] } }
        : fail(401, 'unauthorized', 'missing or invalid API token'),
    );
    const client = new ApiClient({ baseUrl: server.url, token: 'once' });
    const { io } = captureIo();
    let calls = 0;
    // The first connection is fine; the token "expires" before the second.
    const flaky = new ApiClient({ baseUrl: server.url });
    const switching = {
      openEventStream: (id: string, signal: AbortSignal) =>
        (calls++ === 0 ? client : flaky).openEventStream(id, signal),
    } as unknown as ApiClient;
    const ctx = { client: switching, io, signals: new EventEmitter(), now: Date.now };
    await expect(
      followEvents(ctx, 'lab-01', { json: false, backoffMs: [1] }),
    ).rejects.toMatchObject({ status: 401, code: 'unauthorized' });
    expect(calls).toBe(2);
  });
});
