import { EventEmitter } from 'node:events';
import type { DeviceEvent } from '../../src/protocol/api';
import { runCli } from '../main';
import { captureIo } from '../testing/capture-io';
import {
  fail,
  FakeGateway,
  makeDevice,
  makeEvent,
  sseMessage,
  TEST_TOKEN,
} from '../testing/fake-gateway';

const NOW = Date.parse('2024-05-01T12:00:00.000Z');

const FAULT = { code: 'bad_address', pc: 0x400010, address: 0, message: 'load outside memory' };

async function until(check: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('vmfleet events', () => {
  let gateway: FakeGateway;

  beforeEach(async () => {
    gateway = await FakeGateway.start();
    gateway.devices.set('lab-01', makeDevice('lab-01', { online: true }));
  });

  afterEach(async () => {
    await gateway.close();
  });

  /** Starts a command; `signals` stands in for the process, so a test can press Ctrl-C. */
  function start(...args: string[]) {
    const captured = captureIo({
      env: { VMFLEET_URL: gateway.url, VMFLEET_API_TOKEN: TEST_TOKEN },
    });
    const signals = new EventEmitter();
    const exit = runCli(args, { io: captured.io, now: () => NOW, signals });
    return { ...captured, signals, exit };
  }

  async function vmfleet(...args: string[]) {
    const run = start(...args);
    const code = await run.exit;
    return { code, stdout: run.stdout(), stderr: run.stderr() };
  }

  function requestsTo(path: string) {
    return gateway.requests.filter((r) => r.path === `/api/devices/lab-01${path}`);
  }

  describe('listing', () => {
    const history: DeviceEvent[] = [
      makeEvent({ ts: '2024-05-01T11:59:00.125Z', kind: 'publish', name: 'temp', value: 21 }),
      makeEvent({ ts: '2024-05-01T11:59:01Z', kind: 'emit', event: 101, value: 7, name: null }),
      makeEvent({ ts: '2024-05-01T11:59:02Z', kind: 'vm', state: 'faulted', fault: FAULT }),
      makeEvent({ ts: '2024-05-01T11:59:03Z', kind: 'vm', state: 'stopped', exitCode: 3 }),
    ];

    it('prints time, kind and detail per event', async () => {
      gateway.events = history;
      const { code, stdout, stderr } = await vmfleet('events', 'lab-01');
      expect([code, stderr]).toEqual([0, '']);
      expect(stdout).toMatch(/Time \(UTC\)\s+│ Kind\s+│ Detail/);
      expect(stdout).toMatch(/2024-05-01 11:59:00.125Z │ publish │ temp=21/);
      expect(stdout).toMatch(/2024-05-01 11:59:01.000Z │ emit\s+│ 101=7/);
      expect(stdout).toMatch(
        /│ vm\s+│ faulted: bad_address at pc 0x00400010 \(address 0x00000000\): load outside memory/,
      );
      expect(stdout).toMatch(/│ vm\s+│ stopped \(exit 3\)/);
    });

    it('passes --since (an age), --limit and --kind, and prints JSON', async () => {
      gateway.events = history;
      const { code, stdout } = await vmfleet(
        'events',
        'lab-01',
        '--since',
        '15m',
        '--limit',
        '2',
        '--kind',
        'vm',
        '--json',
      );
      expect(code).toBe(0);
      expect(JSON.parse(stdout)).toEqual(history);
      expect(Object.fromEntries(requestsTo('/events')[0].query)).toEqual({
        since: String(NOW - 15 * 60_000),
        limit: '2',
        kind: 'vm',
      });
    });

    it('says so when there are none', async () => {
      await expect(vmfleet('events', 'lab-01')).resolves.toMatchObject({
        code: 0,
        stdout: 'No events from lab-01.\n',
      });
    });
  });

  describe('inject', () => {
    it('posts the event and says whether the device queued it', async () => {
      const button = await vmfleet('events', 'lab-01', 'inject', 'button');
      expect(button.stdout).toBe('Event button (value 0) queued on lab-01.\n');
      gateway.inject = () => ({ status: 202, body: { queued: false } });
      const user = await vmfleet('events', 'inject', 'lab-01', '150', '-2');
      expect(user.stdout).toBe('Event 150 (value -2) not queued by lab-01.\n');
      expect(requestsTo('/events').map((r) => [r.method, r.body])).toEqual([
        ['POST', { event: 'button', value: 0 }],
        ['POST', { event: 150, value: -2 }],
      ]);
    });

    it('prints JSON with --json anywhere after the id', async () => {
      const { code, stdout } = await vmfleet('events', 'lab-01', 'inject', '101', '--json');
      expect(code).toBe(0);
      expect(JSON.parse(stdout)).toEqual({ queued: true });
    });

    it('says when the device is not connected', async () => {
      gateway.inject = () => fail(409, 'device_offline', 'x');
      await expect(vmfleet('events', 'lab-01', 'inject', 'button')).resolves.toMatchObject({
        code: 1,
        stderr: 'error: device lab-01 is not connected\n',
      });
    });
  });

  describe('--follow', () => {
    const first = makeEvent({ ts: '2024-05-01T12:00:01.000Z', name: 'temp', value: 21 });
    const second = makeEvent({
      ts: '2024-05-01T12:00:02.000Z',
      kind: 'emit',
      event: 101,
      value: 1,
    });
    const third = makeEvent({ ts: '2024-05-01T12:00:03.000Z', name: 'temp', value: 23 });
    const line = (e: DeviceEvent, detail: string) =>
      `${e.ts.replace('T', ' ')}  ${e.kind.padEnd(7)}  ${detail}`;

    it('prints events as they come, reconnects when the stream ends, and stops on Ctrl-C', async () => {
      gateway.streams = [
        { chunks: [sseMessage(first), ': keep-alive\n\n', sseMessage(second)] },
        { chunks: [sseMessage(second), sseMessage(third)], keepOpen: true },
      ];
      const run = start('events', 'lab-01', '--follow');
      await until(() => run.stdout().includes('temp=23'), 'the third event');
      run.signals.emit('SIGINT', 'SIGINT');
      await expect(run.exit).resolves.toBe(0);
      expect(run.stdout().split('\n')).toEqual([
        line(first, 'temp=21'),
        line(second, '101=1'),
        line(third, 'temp=23'),
        '',
      ]);
      expect(run.stderr()).toBe('the event stream ended; reconnecting in 500ms\n');
      expect(requestsTo('/events/stream')).toHaveLength(2);
      // After reconnecting it asks for what it may have missed since the last event it printed.
      expect(Object.fromEntries(requestsTo('/events')[0].query)).toEqual({
        since: second.ts,
        limit: '1000',
      });
      expect(run.signals.listenerCount('SIGINT')).toBe(0);
    });

    it('prints history from --since first, once, as JSON lines, filtered by --kind', async () => {
      const vmEvent = makeEvent({ kind: 'vm', state: 'running', name: null, value: null });
      const fourth = makeEvent({ ts: '2024-05-01T12:00:04.000Z', name: 'last', value: 4 });
      gateway.events = [first, third];
      const live = [third, vmEvent, second, fourth].map(sseMessage);
      gateway.streams = [{ chunks: live, keepOpen: true }];
      const run = start('events', 'lab-01', '-f', '--since', '1h', '--kind', 'publish', '--json');
      await until(() => run.stdout().includes('"last"'), 'the last event');
      run.signals.emit('SIGTERM', 'SIGTERM');
      await expect(run.exit).resolves.toBe(0);
      const printed = run
        .stdout()
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as DeviceEvent);
      expect(printed).toEqual([first, third, fourth]);
      expect(Object.fromEntries(requestsTo('/events')[0].query)).toEqual({
        since: String(NOW - 3_600_000),
        kind: 'publish',
      });
    });

    it('stops at once on Ctrl-C while nothing happens', async () => {
      const run = start('events', 'lab-01', '--follow');
      await until(() => requestsTo('/events/stream').length === 1, 'the stream request');
      run.signals.emit('SIGINT', 'SIGINT');
      await expect(run.exit).resolves.toBe(0);
      expect([run.stdout(), run.stderr()]).toEqual(['', '']);
    });

    it('fails when the first connection is refused', async () => {
      const { code, stderr } = await vmfleet('events', 'ghost', '--follow');
      expect(code).toBe(1);
      expect(stderr).toBe('error: device ghost not found (device_not_found, HTTP 404)\n');
    });
  });
});
