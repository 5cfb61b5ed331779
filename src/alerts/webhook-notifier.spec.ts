import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Logger } from '@nestjs/common';
import { waitFor } from '../../devices/testing/wait-for';
import { MetricsService } from '../metrics/metrics.service';
import { type WebhookPayload, WebhookNotifier } from './webhook-notifier';

const FAST = { tries: 3, firstDelayMs: 10, maxDelayMs: 40, timeoutMs: 200, maxQueued: 2 };

function payload(id: number, status: 'firing' | 'resolved' = 'firing'): WebhookPayload {
  return {
    status,
    rule: { id: 1, name: 'r', kind: 'telemetry' },
    device: 'd-1',
    deployment: null,
    value: 95,
    message: 'ram_pct 95 > 90',
    at: new Date(0).toISOString(),
    alert: { id, firedAt: new Date(0).toISOString(), resolvedAt: null },
  };
}

/** A real HTTP server on 127.0.0.1 that answers each request as `answer` says (null: never). */
async function server(answer: (n: number) => number | null) {
  const bodies: WebhookPayload[] = [];
  const hanging: http.ServerResponse[] = [];
  const s = http.createServer((req, res) => {
    let text = '';
    req.on('data', (c: Buffer) => (text += c.toString()));
    req.on('end', () => {
      bodies.push(JSON.parse(text) as WebhookPayload);
      const status = answer(bodies.length);
      if (status === null) hanging.push(res);
      else res.writeHead(status).end();
    });
  });
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(s.address() as AddressInfo).port}/hook`;
  const close = async () => {
    for (const res of hanging) res.destroy();
    s.closeAllConnections();
    await new Promise<void>((resolve) => s.close(() => resolve()));
  };
  return { url, bodies, close };
}

async function outcomes(metrics: MetricsService): Promise<Record<string, number>> {
  const values = (await metrics.alertNotifications.get()).values;
  return Object.fromEntries(values.map((v) => [String(v.labels.outcome), v.value]));
}

describe('WebhookNotifier', () => {
  let metrics: MetricsService;
  let notifier: WebhookNotifier;
  let close: (() => Promise<void>) | undefined;

  beforeAll(async () => {
    // The first fetch in a process loads undici, which can take longer than FAST.timeoutMs.
    const warm = await server(() => 204);
    await fetch(warm.url, { method: 'POST', body: '{}' });
    await warm.close();
  });

  beforeEach(() => {
    jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    metrics = new MetricsService();
    notifier = new WebhookNotifier(metrics, FAST);
  });
  afterEach(async () => {
    notifier.onApplicationShutdown();
    await close?.();
    close = undefined;
    jest.restoreAllMocks();
  });

  it('survives a webhook that hangs: the attempt times out and the next one delivers', async () => {
    const hook = await server((n) => (n === 1 ? null : 200));
    close = hook.close;
    const started = Date.now();
    notifier.notify(hook.url, payload(1));
    await waitFor('the second attempt', () => hook.bodies.length === 2);
    expect(Date.now() - started).toBeGreaterThanOrEqual(FAST.timeoutMs);
    await waitFor('delivered', async () => (await outcomes(metrics)).delivered === 1);
    expect(await outcomes(metrics)).toEqual({ retried: 1, delivered: 1 });
  });

  it('gives up after the bounded number of tries, and the next notification still goes', async () => {
    const hook = await server((n) => (n <= FAST.tries ? 503 : 204));
    close = hook.close;
    notifier.notify(hook.url, payload(1));
    notifier.notify(hook.url, payload(2, 'resolved'));
    await waitFor('both handled', async () => (await outcomes(metrics)).delivered === 1);
    expect(hook.bodies.map((b) => b.alert.id)).toEqual([1, 1, 1, 2]);
    expect(await outcomes(metrics)).toEqual({ retried: 2, failed: 1, delivered: 1 });
  });

  it('keeps order per URL and drops the oldest beyond the queue bound', async () => {
    const hook = await server(() => 204);
    close = hook.close;
    for (let id = 1; id <= 4; id++) notifier.notify(hook.url, payload(id));
    // 1 is in flight at once; 2, 3, 4 queue behind it with room for two: 2 goes.
    await waitFor('delivered', async () => (await outcomes(metrics)).delivered === 3);
    expect(hook.bodies.map((b) => b.alert.id)).toEqual([1, 3, 4]);
    expect((await outcomes(metrics)).dropped).toBe(1);
  });

  it('counts a refused connection as a failed attempt', async () => {
    const hook = await server(() => 204);
    await hook.close(); // nothing listens there now
    notifier.notify(hook.url, payload(1));
    await waitFor('given up', async () => (await outcomes(metrics)).failed === 1);
    expect(await outcomes(metrics)).toEqual({ retried: 2, failed: 1 });
  });
});
