import { DeviceNotFoundError } from '../common/domain-error';
import type { DevicesService } from '../devices/devices.service';
import type { DeviceLink } from '../link/device-link';
import type { DownChannel } from '../protocol';
import { MonitorService } from './monitor.service';

/** A link that records what it sends; a test answers as the device would. */
class RecordingLink implements DeviceLink {
  readonly sent: Array<{ deviceId: string; channel: DownChannel; body: { id: string } }> = [];
  connected = new Set(['d-1']);

  send(deviceId: string, channel: DownChannel, body: object): Promise<boolean> {
    if (!this.connected.has(deviceId)) return Promise.resolve(false);
    this.sent.push({ deviceId, channel, body: body as { id: string } });
    return Promise.resolve(true);
  }
  isConnected(deviceId: string): boolean {
    return this.connected.has(deviceId);
  }
  disconnect(): Promise<void> {
    return Promise.resolve();
  }
}

const known = (id: string) =>
  id.startsWith('d-') ? Promise.resolve({ id }) : Promise.reject(new DeviceNotFoundError(id));
const devices = { get: known, reachableHere: known } as unknown as DevicesService;

describe('MonitorService', () => {
  let link: RecordingLink;
  let monitor: MonitorService;

  beforeEach(() => {
    link = new RecordingLink();
    monitor = new MonitorService(link, devices);
  });
  afterEach(() => monitor.onModuleDestroy());

  /** Sends `op` and returns the pending answer and the command id the device saw. */
  async function ask(op: string, args?: unknown, timeoutMs?: number) {
    const answer = monitor.command('d-1', op, args, timeoutMs);
    answer.catch(() => undefined);
    for (let i = 0; i < 10 && link.sent.length === 0; i++) await Promise.resolve();
    return { answer, id: link.sent.at(-1)!.body.id };
  }

  it('answers with the result of the reply that carries the command id', async () => {
    const { answer, id } = await ask('registers');
    expect(link.sent[0]).toMatchObject({
      deviceId: 'd-1',
      channel: 'cmd',
      body: { op: 'registers' },
    });
    const result = { pc: 4096, instructions: 12, registers: { v0: 1 } };
    expect(monitor.onReply('d-1', { id: 'other', ok: true, result })).toBe(false);
    expect(monitor.onReply('d-2', { id, ok: true, result })).toBe(false);
    expect(monitor.onReply('d-1', { id, ok: true, result })).toBe(true);
    await expect(answer).resolves.toEqual({ id, op: 'registers', result });
  });

  it('refuses a result that breaks its command contract, naming the field (invalid_reply)', async () => {
    const { answer, id } = await ask('memory', { address: 4096, length: 2 });
    monitor.onReply('d-1', { id, ok: true, result: { address: 4096, length: 2, hex: 'zz' } });
    await expect(answer).rejects.toMatchObject({
      code: 'invalid_reply',
      message: expect.stringContaining('hex: expected hex digits'),
    });
  });

  it('refuses an ok reply without a result', async () => {
    const { answer, id } = await ask('status');
    monitor.onReply('d-1', { id, ok: true });
    await expect(answer).rejects.toMatchObject({ code: 'invalid_reply' });
  });

  it("passes the device's own error code on", async () => {
    const { answer, id } = await ask('start');
    monitor.onReply('d-1', { id, ok: false, error: { code: 'no_app', message: 'nothing loaded' } });
    await expect(answer).rejects.toMatchObject({ code: 'no_app', message: 'd-1: nothing loaded' });
  });

  it('times out with the op and the time it waited', async () => {
    const { answer } = await ask('status', undefined, 20);
    await expect(answer).rejects.toMatchObject({
      code: 'device_timeout',
      message: expect.stringContaining('"status" within 20 ms'),
    });
  });

  it('fails pending commands at once when the device goes offline', async () => {
    const { answer } = await ask('status', undefined, 60_000);
    monitor.onDeviceOffline('d-1');
    await expect(answer).rejects.toMatchObject({ code: 'device_offline' });
  });

  it('refuses a bad command before sending, and an offline or unknown device', async () => {
    await expect(monitor.command('d-1', 'step', { n: 0 })).rejects.toMatchObject({
      code: 'invalid_input',
    });
    link.connected.clear();
    await expect(monitor.command('d-1', 'status', undefined)).rejects.toMatchObject({
      code: 'device_offline',
    });
    await expect(monitor.command('x', 'status', undefined)).rejects.toMatchObject({
      code: 'device_not_found',
    });
    expect(link.sent).toHaveLength(0);
  });
});
