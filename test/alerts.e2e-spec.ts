import * as fs from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
import type { AddressInfo } from 'node:net';
import { runCli } from '../cli/main';
import { readSse, type SseMessage } from '../cli/sse';
import { captureIo } from '../cli/testing/capture-io';
import { VirtualDevice } from '../devices';
import { alertListSchema, alertRuleListSchema, alertRuleSchema } from '../src/protocol/api';
import { startTestGateway, type TestGateway, waitFor } from './support/gateway';
import { topicFor } from '../src/protocol';
import { cbor, hello, provision } from './support/fixtures';
import { connectRaw, end, publish } from './support/mqtt';
import { misfits } from './support/served';
import {
  deploy,
  FAST_BACKOFF,
  firmwareImage,
  publishApp,
  startDevices,
  waitForDeployment,
} from './support/ota';

/** A local webhook: records every POST; answers the first `failFirst` with 500. */
async function startWebhook(failFirst: number) {
  const received: { status: number; body: Record<string, any> }[] = [];
  const server = http.createServer((req, res) => {
    let text = '';
    req.on('data', (c: Buffer) => (text += c.toString()));
    req.on('end', () => {
      const status = received.length < failFirst ? 500 : 204;
      received.push({ status, body: JSON.parse(text) });
      res.writeHead(status).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook?secret=s3`,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The alert SSE stream, collected as it arrives. */
async function openStream(gw: TestGateway) {
  const controller = new AbortController();
  const res = await fetch(`${gw.httpUrl}/api/alerts/stream`, {
    headers: { authorization: `Bearer ${gw.apiToken}` },
    signal: controller.signal,
  });
  expect(res.headers.get('content-type')).toMatch(/text\/event-stream/);
  const messages: SseMessage[] = [];
  const reading = (async () => {
    for await (const m of readSse(res.body!)) if (m.event !== 'keep-alive') messages.push(m);
  })().catch(() => undefined); // aborted at the end
  return {
    messages,
    close: async () => {
      controller.abort();
      await reading;
    },
  };
}

async function firing(gw: TestGateway) {
  const res = await gw.api('GET', '/api/alerts?state=firing');
  expect(res.status).toBe(200);
  // The shared schema names every field the gateway sends (a renamed field fails here).
  expect(misfits(alertListSchema, res.body)).toEqual([]);
  return alertListSchema.parse(res.body).items;
}

async function metric(gw: TestGateway, line: RegExp): Promise<number> {
  const text = (await gw.api<string>('GET', '/metrics')).body;
  const m = text.match(line);
  return m ? Number(m[1]) : NaN;
}

describe('alert rules (e2e)', () => {
  let gw: TestGateway;
  let devices: VirtualDevice[] = [];
  const closers: (() => Promise<void>)[] = [];

  beforeEach(async () => {
    gw = await startTestGateway();
  });
  afterEach(async () => {
    await Promise.all(devices.splice(0).map((d) => d.stop()));
    for (const close of closers.splice(0)) await close();
    await gw.stop();
  });

  it('fires a RAM rule when a device publishes, retries its webhook, streams it, and resolves on a raised threshold', async () => {
    const hook = await startWebhook(1);
    closers.push(hook.close);
    const stream = await openStream(gw);
    closers.push(stream.close);

    const created = await gw.api('POST', '/api/alert-rules', {
      kind: 'telemetry',
      name: 'RAM high',
      metric: 'ram_pct',
      op: '>',
      threshold: 0.01,
      webhookUrl: hook.url,
    });
    expect(created.status).toBe(201);
    const rule = alertRuleSchema.parse(created.body);
    expect(rule).toMatchObject({ kind: 'telemetry', forSeconds: 0, enabled: true, scope: {} });

    devices = await startDevices(gw, {
      prefix: 'al',
      count: 1,
      options: { telemetryIntervalMs: 200 },
    });
    const [alert] = await waitFor('the alert firing', async () => {
      const items = await firing(gw);
      return items.length ? items : null;
    });
    expect(alert).toMatchObject({ ruleId: rule.id, kind: 'telemetry', deviceId: 'al-01' });
    expect(alert.value).toBeGreaterThan(0.01);
    expect(alert.message).toMatch(/^ram_pct [\d.]+ > 0\.01$/);
    expect(await metric(gw, /^vmfleet_alerts_firing\{kind="telemetry"\} (\d+)$/m)).toBe(1);

    // The webhook answered 500 once: the same notification came again and was taken.
    await waitFor('the webhook delivery', () => hook.received.length >= 2);
    expect(hook.received.map((r) => [r.status, r.body.status])).toEqual([
      [500, 'firing'],
      [204, 'firing'],
    ]);
    expect(hook.received[1].body).toMatchObject({
      rule: { id: rule.id, name: 'RAM high', kind: 'telemetry' },
      device: 'al-01',
      deployment: null,
      alert: { id: alert.id, resolvedAt: null },
    });
    expect(Date.parse(hook.received[1].body.at)).toBeGreaterThan(0);
    await waitFor('the SSE firing', () => stream.messages.some((m) => m.event === 'firing'));

    // Later samples keep it firing: once, not again per sample.
    const sent = devices[0].stats().telemetrySent;
    await waitFor('two more samples', () => devices[0].stats().telemetrySent >= sent + 2);
    expect(await firing(gw)).toHaveLength(1);
    const before = hook.received.length;
    expect(before).toBe(2);
    const patched = await gw.api('PATCH', `/api/alert-rules/${rule.id}`, { threshold: 100 });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ threshold: 100, name: 'RAM high' });
    // Checked again on the last sample at once: no new sample needed to resolve.
    expect(await firing(gw)).toEqual([]);
    await waitFor('the SSE resolution', () => stream.messages.some((m) => m.event === 'resolved'));
    const resolved = JSON.parse(stream.messages.find((m) => m.event === 'resolved')!.data);
    expect(resolved).toMatchObject({ id: alert.id, state: 'resolved' });
    expect(resolved.resolvedAt).not.toBeNull();
    await waitFor('the webhook resolution', () => hook.received.length > before);
    expect(hook.received.slice(before).map((r) => r.body.status)).toEqual(['resolved']);
    expect(stream.messages.filter((m) => m.event === 'firing')).toHaveLength(1);

    const all = alertListSchema.parse((await gw.api('GET', '/api/alerts')).body).items;
    expect(all.map((a) => [a.id, a.state])).toEqual([[alert.id, 'resolved']]);
    expect(await metric(gw, /^vmfleet_alerts_firing\{kind="telemetry"\} (\d+)$/m)).toBe(0);
    expect(
      await metric(gw, /^vmfleet_alert_notifications_total\{outcome="retried"\} (\d+)$/m),
    ).toBe(1);
  });

  it('fires silent when a device stops sending and resolves when it is back', async () => {
    const created = await gw.api('POST', '/api/alert-rules', {
      kind: 'silent',
      name: 'quiet',
      periods: 3,
      scope: { tag: 'watched' },
    });
    expect(created.status).toBe(201);
    const res = await gw.api('POST', '/api/devices', {
      id: 'q-1',
      board: 'nrf52840',
      vm: 'mips1',
      tags: ['watched'],
    });
    const options = {
      credentials: { id: 'q-1', token: res.body.token, board: 'nrf52840', vm: 'mips1' as const },
      mqttUrl: gw.mqttUrl,
      telemetryIntervalMs: 150,
      backoff: FAST_BACKOFF,
    };
    let device = new VirtualDevice(options);
    devices.push(device);
    await device.start();
    await waitFor('two samples', () => device.stats().telemetrySent >= 3);
    expect(await firing(gw)).toEqual([]);

    await device.stop();
    devices = [];
    const [alert] = await waitFor('the silence alert', async () => {
      const items = await firing(gw);
      return items.length ? items : null;
    });
    expect(alert).toMatchObject({ kind: 'silent', deviceId: 'q-1' });
    expect(alert.message).toMatch(/^no telemetry for \d+ s \(3 × its [\d.]+ s interval\)$/);

    device = new VirtualDevice(options);
    devices.push(device);
    await device.start();
    await waitFor('the silence resolved', async () => (await firing(gw)).length === 0);
    const all = alertListSchema.parse((await gw.api('GET', '/api/alerts')).body).items;
    expect(all).toMatchObject([{ id: alert.id, state: 'resolved' }]);
  });

  it('refuses bad rules with the reason, and names unknown rules', async () => {
    const bad = await gw.api('POST', '/api/alert-rules', {
      kind: 'telemetry',
      name: 'x',
      metric: 'ram',
      op: '>',
      threshold: 1,
    });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ code: 'invalid_input' });
    expect(JSON.stringify(bad.body)).toMatch(/metric/);

    const rule = await gw.api('POST', '/api/alert-rules', { kind: 'rollout_failed', name: 'r' });
    expect(rule.status).toBe(201);
    const kind = await gw.api('PATCH', `/api/alert-rules/${rule.body.id}`, { kind: 'silent' });
    expect(kind.status).toBe(400);
    expect(JSON.stringify(kind.body)).toMatch(/kind of a rule cannot change/);
    const field = await gw.api('PATCH', `/api/alert-rules/${rule.body.id}`, { periods: 3 });
    expect(field.status).toBe(400);

    // Every kind, as stored, fits the shared schema exactly.
    for (const body of [
      { kind: 'telemetry', name: 't', metric: 'flash_pct', op: '<', threshold: 5, forSeconds: 9 },
      { kind: 'silent', name: 's', scope: { vm: 'wasm', board: 'esp32', tag: 'x' } },
      { kind: 'event_rate', name: 'e', event: 'emit', count: 9, windowSeconds: 60 },
    ]) {
      expect((await gw.api('POST', '/api/alert-rules', body)).status).toBe(201);
    }
    const rules = await gw.api('GET', '/api/alert-rules');
    expect(rules.body.items).toHaveLength(4);
    expect(misfits(alertRuleListSchema, rules.body)).toEqual([]);
    for (const r of rules.body.items.slice(1)) {
      expect((await gw.api('DELETE', `/api/alert-rules/${r.id}`)).status).toBe(204);
    }

    const missing = await gw.api('DELETE', '/api/alert-rules/999');
    expect(missing).toMatchObject({ status: 404, body: { code: 'alert_rule_not_found' } });
    expect((await gw.api('DELETE', `/api/alert-rules/${rule.body.id}`)).status).toBe(204);
    expect((await gw.api('GET', '/api/alert-rules')).body).toEqual({ items: [] });
    expect((await gw.api('GET', '/api/alerts?state=nope')).status).toBe(400);
  });

  async function vmfleet(...args: string[]) {
    const captured = captureIo({
      env: { VMFLEET_URL: gw.httpUrl, VMFLEET_API_TOKEN: gw.apiToken },
    });
    const code = await runCli(args, { io: captured.io });
    return { code, stdout: captured.stdout(), stderr: captured.stderr() };
  }

  it('adds, lists, changes and removes rules and lists firing alerts with the CLI', async () => {
    const add = await vmfleet(
      'alerts',
      'rules',
      'add',
      '--kind',
      'telemetry',
      '--name',
      'cpu busy',
      '--metric',
      'cpu_pct',
      '--op',
      'gt',
      '--threshold',
      '-1',
      '--tag',
      'cli',
    );
    expect(add).toMatchObject({ code: 0, stderr: '' });
    expect(add.stdout).toMatch(/^Added rule (\d+) \(cpu busy\): cpu_pct > -1 \(tag=cli\)\.\n$/);
    const id = add.stdout.match(/rule (\d+)/)![1];

    const list = await vmfleet('alerts', 'rules', 'list');
    expect(list.stdout).toMatch(new RegExp(`${id}\\s+│?\\s*cpu busy`));
    expect(JSON.parse((await vmfleet('alerts', 'rules', 'list', '--json')).stdout)).toMatchObject([
      { id: Number(id), kind: 'telemetry', scope: { tag: 'cli' } },
    ]);

    devices = await startDevices(gw, {
      prefix: 'cl',
      count: 1,
      tags: ['cli'],
      options: { telemetryIntervalMs: 150 },
    });
    const firingNow = await waitFor('the alert in the CLI', async () => {
      const out = JSON.parse((await vmfleet('alerts', 'list', '--firing', '--json')).stdout);
      return out.length ? out : null;
    });
    expect(firingNow).toMatchObject([{ ruleName: 'cpu busy', deviceId: 'cl-01', state: 'firing' }]);
    expect((await vmfleet('alerts', 'list', '--firing')).stdout).toMatch(/firing.*cpu busy.*cl-01/);

    const set = await vmfleet('alerts', 'rules', 'set', id, '--no-enable');
    expect(set).toMatchObject({ code: 0, stderr: '' });
    expect((await vmfleet('alerts', 'list', '--firing')).stdout).toBe('No alert is firing.\n');
    const bad = await vmfleet('alerts', 'rules', 'set', id, '--periods', '3', '--json');
    expect(bad.code).not.toBe(0);
    expect(JSON.parse(bad.stderr)).toMatchObject({ error: { code: 'invalid_input' } });

    expect(await vmfleet('alerts', 'rules', 'rm', id)).toMatchObject({
      code: 0,
      stdout: `Removed rule ${id}.\n`,
    });
    const gone = await vmfleet('alerts', 'rules', 'rm', id);
    expect(gone.code).not.toBe(0);
    expect(gone.stderr).toMatch(/alert_rule_not_found|no alert rule/);
  });

  it('fires event_rate on guest faults within the window and resolves when the window empties', async () => {
    const rule = await gw.api('POST', '/api/alert-rules', {
      kind: 'event_rate',
      name: 'faults',
      event: 'fault',
      count: 2,
      windowSeconds: 2,
    });
    expect(rule.status).toBe(201);
    const token = await provision(gw, 'ev-1');
    const client = await connectRaw(gw.mqttUrl, {
      clientId: 'ev-1',
      username: 'ev-1',
      password: token,
    });
    closers.push(() => end(client));
    await publish(client, topicFor('ev-1', 'hello'), cbor(hello));
    const fault = {
      kind: 'vm',
      state: 'faulted',
      fault: { code: 'bad_address', pc: 4, message: 'x' },
    };
    await publish(client, topicFor('ev-1', 'event'), cbor({ kind: 'vm', state: 'running' }));
    await publish(client, topicFor('ev-1', 'event'), cbor(fault));
    await waitFor('the events stored', async () => {
      const res = await gw.api('GET', '/api/devices/ev-1/events');
      return res.body.items.length === 2;
    });
    expect(await firing(gw)).toEqual([]); // one fault: not yet
    await publish(client, topicFor('ev-1', 'event'), cbor(fault));
    const [alert] = await waitFor('the fault alert', async () => {
      const items = await firing(gw);
      return items.length ? items : null;
    });
    expect(alert).toMatchObject({ kind: 'event_rate', deviceId: 'ev-1', value: 2 });
    await waitFor('the window emptied', async () => (await firing(gw)).length === 0, 8000);
  });

  it('fires rollout_failed when a deployment halts and resolves when it is cancelled', async () => {
    await gw.api('POST', '/api/alert-rules', { kind: 'rollout_failed', name: 'rollouts' });
    devices = await startDevices(gw, { prefix: 'ro', count: 2, tags: ['ro'] });
    const published = await publishApp(gw, 'demo', '1.0.0', firmwareImage('blink'));
    // A damaged stored payload fails every device's update: the deployment halts.
    const sha = String(published.sha256);
    const blob = path.join(gw.dataDir, 'blobs', sha.slice(0, 2), sha);
    const bytes = fs.readFileSync(blob);
    bytes[bytes.length - 1] ^= 0xff;
    fs.writeFileSync(blob, bytes);
    const id = await deploy(gw, { app: { name: 'demo', version: '1.0.0' }, target: { tag: 'ro' } });
    await waitForDeployment(gw, id, 'halted', (d) => d.status === 'halted');
    const [alert] = await waitFor('the rollout alert', async () => {
      const items = await firing(gw);
      return items.length ? items : null;
    });
    expect(alert).toMatchObject({ kind: 'rollout_failed', deviceId: null, deploymentId: id });
    expect(alert.message).toMatch(new RegExp(`^deployment ${id} halted: `));
    expect((await gw.api('POST', `/api/deployments/${id}/cancel`)).status).toBe(200);
    await waitFor('resolved', async () => (await firing(gw)).length === 0, 10_000);
  }, 30_000);
});
