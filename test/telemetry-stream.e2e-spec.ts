import { VirtualDevice } from '../devices';
import { telemetryPointSchema } from '../src/protocol/api';
import { startTestGateway, TestGateway } from './support/gateway';

/** Reads `count` SSE events of type `type` from a streaming response, then stops reading. */
async function readEvents(res: Response, type: string, count: number): Promise<unknown[]> {
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
  const found: unknown[] = [];
  let buffer = '';
  try {
    while (found.length < count) {
      const { value, done } = await reader.read();
      if (done) throw new Error(`stream ended after ${found.length} ${type} events`);
      buffer += value;
      let end: number;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const event = /^event: (.*)$/m.exec(block)?.[1];
        const data = /^data: (.*)$/m.exec(block)?.[1];
        if (event === type && data !== undefined) found.push(JSON.parse(data));
      }
    }
  } finally {
    await reader.cancel();
  }
  return found;
}

describe('GET /api/devices/:id/telemetry/stream (e2e)', () => {
  let gw: TestGateway;
  let device: VirtualDevice | undefined;

  beforeEach(async () => {
    gw = await startTestGateway();
  });
  afterEach(async () => {
    await device?.stop();
    device = undefined;
    await gw.stop();
  });

  it("sends each stored sample of that device as a point of the series' shape", async () => {
    const made = await gw.api('POST', '/api/devices', {
      id: 'live-1',
      board: 'nrf52840',
      vm: 'mips1',
    });
    const res = await fetch(`${gw.httpUrl}/api/devices/live-1/telemetry/stream`, {
      headers: { authorization: `Bearer ${gw.apiToken}` },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    device = new VirtualDevice({
      credentials: { id: 'live-1', token: made.body.token, board: 'nrf52840', vm: 'mips1' },
      mqttUrl: gw.mqttUrl,
      telemetryIntervalMs: 100,
    });
    await device.start();
    const points = await readEvents(res, 'sample', 2);
    for (const point of points) {
      const parsed = telemetryPointSchema.strict().parse(point);
      expect(parsed).toMatchObject({ samples: 1, vmState: expect.any(String) });
      expect(parsed.ramTotal).toBeGreaterThan(0);
    }
    const [first, second] = points.map((p) => telemetryPointSchema.parse(p));
    expect(Date.parse(second.ts)).toBeGreaterThanOrEqual(Date.parse(first.ts));
    expect(second.uptimeMs).toBeGreaterThan(first.uptimeMs);
  });

  it('refuses a request without the API token and a malformed device id', async () => {
    const bare = await fetch(`${gw.httpUrl}/api/devices/live-1/telemetry/stream`);
    expect(bare.status).toBe(401);
    expect(await bare.json()).toMatchObject({ code: 'unauthorized' });
    const bad = await fetch(`${gw.httpUrl}/api/devices/${'x'.repeat(200)}/telemetry/stream`, {
      headers: { authorization: `Bearer ${gw.apiToken}` },
    });
    expect(bad.status).toBe(400);
  });
});
