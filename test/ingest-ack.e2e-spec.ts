import type { MqttClient } from 'mqtt';
import { DataSource } from 'typeorm';
import { nativeSqlite } from '../src/database/bulk-writer';
import { decodePayload, topicFor, type Registered } from '../src/protocol';
import { RawCoap } from './support/coap';
import { cbor, hello, provision, telemetry } from './support/fixtures';
import { startTestGateway, type TestGateway } from './support/gateway';
import { connectRaw, end, publish } from './support/mqtt';

/**
 * An acknowledgement means stored (docs/protocol.md §5.5). The flush timer is set to 10 s,
 * so a sample is in the database at its acknowledgement only if the ack waited for it.
 */
describe('acknowledged = stored, best effort = the next batch (e2e)', () => {
  let gw: TestGateway;
  let coap: RawCoap;
  const clients: MqttClient[] = [];
  const stored = (id: string) =>
    (
      nativeSqlite(gw.app.get(DataSource))!
        .prepare('SELECT COUNT(*) AS n FROM telemetry_samples WHERE device_id = ?')
        .get(id) as { n: number }
    ).n;

  beforeEach(async () => {
    gw = await startTestGateway({ VMFLEET_TELEMETRY_FLUSH_MS: '10000' });
    coap = await RawCoap.open(gw.coapPort);
  });
  afterEach(async () => {
    coap.close();
    await Promise.all(clients.splice(0).map(end));
    await gw.stop();
  });

  it('MQTT: a QoS 1 sample is stored by its PUBACK, a QoS 0 one waits for the batch', async () => {
    const token = await provision(gw, 'ack-m');
    const client = await connectRaw(gw.mqttUrl, {
      clientId: 'ack-m',
      username: 'ack-m',
      password: token,
    });
    clients.push(client);
    await publish(client, topicFor('ack-m', 'telemetry'), cbor(telemetry({ uptimeMs: 1 })), 0);
    await publish(client, topicFor('ack-m', 'telemetry'), cbor(telemetry({ uptimeMs: 2 })), 1);
    // The QoS 1 commit took the QoS 0 sample queued before it along: one transaction.
    expect(stored('ack-m')).toBe(2);
    await publish(client, topicFor('ack-m', 'telemetry'), cbor(telemetry({ uptimeMs: 3 })), 0);
    await new Promise((r) => setTimeout(r, 300));
    expect(stored('ack-m')).toBe(2);
  });

  it('CoAP: a CON sample is stored by its 2.04, a NON one waits for the batch', async () => {
    const token = await provision(gw, 'ack-c');
    const reg = await coap.request({
      method: 'POST',
      url: '/v1/register',
      payload: cbor({ id: 'ack-c', token, hello }),
    });
    expect(reg.code).toBe('2.01');
    const session = (decodePayload(reg.payload).value as Registered).session;
    const post = (uptimeMs: number, confirmable: boolean) =>
      coap.request({
        method: 'POST',
        url: `/v1/telemetry?s=${session}`,
        payload: cbor(telemetry({ uptimeMs })),
        confirmable,
      });
    expect((await post(1, true)).code).toBe('2.04');
    expect(stored('ack-c')).toBe(1);
    expect((await post(2, false)).code).toBe('2.04');
    await new Promise((r) => setTimeout(r, 300));
    expect(stored('ack-c')).toBe(1);
  });
});
