import { DataSource } from 'typeorm';
import { topicFor } from '../src/protocol';
import { TelemetryService } from '../src/telemetry/telemetry.service';
import { cbor, hello, provision, telemetry } from './support/fixtures';
import { startTestGateway, TestGateway, waitFor } from './support/gateway';
import { closed, connectRaw, end, publish } from './support/mqtt';

describe('device lifecycle and transports (e2e)', () => {
  let gw: TestGateway;

  beforeEach(async () => {
    gw = await startTestGateway({ VMFLEET_TELEMETRY_RETENTION_DAYS: '1' });
  });
  afterEach(async () => {
    await gw.stop();
  });

  it('drops the connection of a deleted device and refuses its token afterwards', async () => {
    const token = await provision(gw, 'doomed');
    const client = await connectRaw(gw.mqttUrl, {
      clientId: 'doomed',
      username: 'doomed',
      password: token,
    });
    const gone = closed(client);
    expect((await gw.api('DELETE', '/api/devices/doomed')).status).toBe(204);
    await gone;
    await end(client);
    await expect(
      connectRaw(gw.mqttUrl, { clientId: 'doomed', username: 'doomed', password: token }),
    ).rejects.toThrow(/Bad username or password/);
  });

  it('serves MQTT over WebSocket on the HTTP port', async () => {
    const token = await provision(gw, 'ws-dev');
    const client = await connectRaw(`${gw.httpUrl.replace('http', 'ws')}/mqtt`, {
      clientId: 'ws-dev',
      username: 'ws-dev',
      password: token,
    });
    try {
      await publish(client, topicFor('ws-dev', 'hello'), cbor(hello));
      await waitFor(
        'online over ws',
        async () => (await gw.api('GET', '/api/devices/ws-dev')).body.online,
      );
    } finally {
      await end(client);
    }
  });

  it('deletes raw samples older than the retention period and keeps newer ones', async () => {
    const token = await provision(gw, 'old');
    const client = await connectRaw(gw.mqttUrl, {
      clientId: 'old',
      username: 'old',
      password: token,
    });
    try {
      for (let i = 0; i < 3; i++)
        await publish(client, topicFor('old', 'telemetry'), cbor(telemetry({ uptimeMs: i })));
    } finally {
      await end(client);
    }
    const db = gw.app.get(DataSource);
    const count = async () =>
      Number((await db.query<{ n: number }[]>('SELECT count(*) AS n FROM telemetry_samples'))[0].n);
    await waitFor('3 samples', async () => (await count()) === 3);
    // Age two of them past the 1-day retention.
    await db.query(
      'UPDATE telemetry_samples SET ts = ts - 2 * 86400000 WHERE id IN (SELECT id FROM telemetry_samples ORDER BY id LIMIT 2)',
    );
    await gw.app.get(TelemetryService).applyRetention();
    expect(await count()).toBe(1);
  });
});
