import { ApiClient, ApiError, GatewayUnreachableError } from './api-client';
import type { DeviceEvent } from '../src/protocol/api';
import { makeEvent, sseMessage } from './testing/fake-gateway';
import { startStubServer, type StubHandler, type StubServer } from './testing/stub-server';

async function collect(events: AsyncIterable<DeviceEvent>): Promise<DeviceEvent[]> {
  const seen: DeviceEvent[] = [];
  for await (const event of events) seen.push(event);
  return seen;
}

describe('ApiClient: Thing Monitor and events', () => {
  let server: StubServer | undefined;

  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  async function clientFor(handler: StubHandler) {
    server = await startStubServer(handler);
    return { client: new ApiClient({ baseUrl: server.url, token: 'secret' }), server };
  }

  describe('monitor', () => {
    const status = {
      state: 'paused',
      vm: 'mips1',
      app: { id: 'blinky', version: '1.0.0' },
      phase: 'main',
      pc: 0x400010,
      instructions: 12,
      pendingEvents: 0,
      guestMemoryBytes: 65536,
      peakGuestBytes: 1024,
      lastEnd: null,
    };

    it('posts {op, args, timeoutMs} and returns the typed reply', async () => {
      const { client, server } = await clientFor((req) => {
        const { op } = req.body as { op: string };
        return {
          status: 200,
          body: {
            id: 'c1',
            op,
            result: { pc: 4, instructions: 9, executed: 2, outcome: 'budget' },
          },
        };
      });
      const reply = await client.monitor('lab.01', { op: 'step', args: { n: 2 } }, 250);
      expect(reply.result).toEqual({ pc: 4, instructions: 9, executed: 2, outcome: 'budget' });
      expect(server.requests[0]).toMatchObject({
        method: 'POST',
        path: '/api/devices/lab.01/monitor',
        headers: { authorization: 'Bearer secret', 'content-type': 'application/json' },
        body: { op: 'step', args: { n: 2 }, timeoutMs: 250 },
      });
    });

    it('leaves timeoutMs out unless given, and keeps unknown fields', async () => {
      const { client, server } = await clientFor(() => ({
        status: 200,
        body: { id: 'c2', op: 'status', result: { ...status, extra: 1 } },
      }));
      await expect(client.monitor('lab-01', { op: 'status' })).resolves.toMatchObject({
        result: { state: 'paused', extra: 1 },
      });
      expect(server.requests[0].body).toEqual({ op: 'status' });
    });

    it('checks the result against the shape of its op', async () => {
      const { client } = await clientFor(() => ({
        status: 200,
        body: { id: 'c3', op: 'memory', result: { address: 0, length: 2, hex: 'abc' } },
      }));
      const request = { op: 'memory', args: { address: 0, length: 2 } } as const;
      await expect(client.monitor('lab-01', request)).rejects.toMatchObject({
        code: 'invalid_response',
        message: expect.stringContaining('unexpected result.hex') as string,
      });
    });

    it.each([
      [409, 'device_offline', 'device lab-01 is not connected'],
      [504, 'device_timeout', 'no reply within 5000 ms'],
      [422, 'bad_state', 'not paused'],
      [400, 'invalid_input', 'op must be one of …'],
    ])('passes HTTP %p on as ApiError %p', async (status, code, message) => {
      const { client } = await clientFor(() => ({
        status,
        body: { statusCode: status, code, message },
      }));
      const error = await client.monitor('lab-01', { op: 'start' }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ApiError);
      expect(error).toMatchObject({ status, code, message });
    });

    it('waits longer than the device timeout before giving up on the gateway', async () => {
      const answer = { status: 200, body: { id: 'x', op: 'start', result: { state: 'running' } } };
      server = await startStubServer(
        () => new Promise((resolve) => setTimeout(resolve, 300, answer)),
      );
      const client = new ApiClient({ baseUrl: server.url, timeoutMs: 100 });
      // 100 ms for ordinary calls, but a monitor command may take its timeout plus a margin.
      await expect(client.monitor('lab-01', { op: 'start' }, 100)).resolves.toMatchObject({
        result: { state: 'running' },
      });
      await expect(client.health()).rejects.toBeInstanceOf(GatewayUnreachableError);
    });
  });

  describe('events', () => {
    it('lists events with since, limit and kind', async () => {
      const items = [
        makeEvent({ id: 1 }),
        makeEvent({ id: 2, kind: 'vm', state: 'faulted', name: null }),
      ];
      const { client, server } = await clientFor(() => ({ status: 200, body: { items } }));
      await expect(
        client.listEvents('lab-01', { since: '1714564800000', limit: 50, kind: 'vm' }),
      ).resolves.toEqual(items);
      await client.listEvents('lab-01');
      expect(server.requests[0].path).toBe('/api/devices/lab-01/events');
      expect(Object.fromEntries(server.requests[0].query)).toEqual({
        since: '1714564800000',
        limit: '50',
        kind: 'vm',
      });
      expect([...server.requests[1].query]).toEqual([]);
    });

    it.each([
      [{ event: 'button' as const }, { event: 'button' }],
      [
        { event: 101, value: -5 },
        { event: 101, value: -5 },
      ],
    ])('posts the injection %j', async (injection, body) => {
      const { client, server } = await clientFor(() => ({ status: 202, body: { queued: false } }));
      await expect(client.injectEvent('lab-01', injection)).resolves.toEqual({ queued: false });
      expect(server.requests[0]).toMatchObject({
        method: 'POST',
        path: '/api/devices/lab-01/events',
        body,
      });
    });
  });

  describe('openEventStream', () => {
    const first = makeEvent({ id: 1, kind: 'publish', name: 'temp', value: 21 });
    const second = makeEvent({ id: 2, kind: 'emit', event: 101, value: 1, name: undefined });
    const third = makeEvent({
      id: 3,
      kind: 'vm',
      state: 'faulted',
      fault: { code: 'bad_address', pc: 16, address: 0, message: 'load outside guest memory' },
    });

    it('yields the events of a stream split anywhere, skipping comments', async () => {
      const json = JSON.stringify(third);
      const cut = json.indexOf(',') + 1; // between two members, where a line break is allowed
      const text =
        ': keep-alive\n\n' +
        sseMessage(first) +
        ': keep-alive\n' +
        sseMessage(second) +
        // One event's JSON over two data lines (they join with "\n", which JSON allows).
        `event: vm\ndata: ${json.slice(0, cut)}\ndata: ${json.slice(cut)}\n\n`;
      const chunks = [
        text.slice(0, 7),
        text.slice(7, 40),
        text.slice(40, 41),
        text.slice(41, 130),
        text.slice(130),
      ];
      const { client, server } = await clientFor(() => ({ status: 200, stream: { chunks } }));
      const stream = await client.openEventStream('lab-01', new AbortController().signal);
      await expect(collect(stream)).resolves.toEqual([first, second, third]);
      expect(server.requests[0]).toMatchObject({
        path: '/api/devices/lab-01/events/stream',
        headers: { accept: 'text/event-stream', authorization: 'Bearer secret' },
      });
    });

    it('skips messages of types it does not know', async () => {
      const chunks = ['event: hello\ndata: {"v":1}\n\n', sseMessage(first)];
      const { client } = await clientFor(() => ({ status: 200, stream: { chunks } }));
      const stream = await client.openEventStream('lab-01', new AbortController().signal);
      await expect(collect(stream)).resolves.toEqual([first]);
    });

    it('fails on an event it cannot read', async () => {
      const chunks = ['event: publish\ndata: {"id":1}\n\n'];
      const { client } = await clientFor(() => ({ status: 200, stream: { chunks } }));
      const stream = await client.openEventStream('lab-01', new AbortController().signal);
      await expect(collect(stream)).rejects.toMatchObject({
        code: 'invalid_response',
        message: expect.stringContaining(
          '/events/stream (event publish) returned an unexpected deviceId',
        ) as string,
      });
    });

    it('reports HTTP errors and answers that are not event streams', async () => {
      const { client } = await clientFor((req) =>
        req.path.includes('ghost')
          ? {
              status: 404,
              body: {
                statusCode: 404,
                code: 'device_not_found',
                message: 'device ghost not found',
              },
            }
          : { status: 200, body: { items: [] } },
      );
      const signal = new AbortController().signal;
      await expect(client.openEventStream('ghost', signal)).rejects.toMatchObject({
        status: 404,
        code: 'device_not_found',
      });
      await expect(client.openEventStream('lab-01', signal)).rejects.toMatchObject({
        code: 'invalid_response',
        message: 'GET /api/devices/lab-01/events/stream did not return an event stream',
      });
    });

    it('stays open until aborted, then ends with an AbortError', async () => {
      const { client } = await clientFor(() => ({
        status: 200,
        stream: { chunks: [sseMessage(first)], keepOpen: true },
      }));
      const controller = new AbortController();
      const stream = await client.openEventStream('lab-01', controller.signal);
      const seen: DeviceEvent[] = [];
      const reading = (async () => {
        for await (const event of stream) {
          seen.push(event);
          controller.abort();
        }
      })();
      await expect(reading).rejects.toMatchObject({ name: 'AbortError' });
      expect(seen).toEqual([first]);
    });

    it('reports a gateway that is not there', async () => {
      const { client, server } = await clientFor(() => ({ status: 200 }));
      await server.close();
      await expect(
        client.openEventStream('lab-01', new AbortController().signal),
      ).rejects.toMatchObject({
        name: 'GatewayUnreachableError',
        reason: 'ECONNREFUSED',
      });
    });

    it('gives up when the gateway does not answer in time', async () => {
      server = await startStubServer(() => new Promise(() => undefined));
      const client = new ApiClient({ baseUrl: server.url, timeoutMs: 100 });
      await expect(
        client.openEventStream('lab-01', new AbortController().signal),
      ).rejects.toMatchObject({
        name: 'GatewayUnreachableError',
        reason: 'no answer within 0.1s',
      });
    });
  });
});
