import { topicFor } from '../src/protocol';
import { hello, provision, telemetry } from './support/fixtures';
import { startTestGateway, TestGateway, waitFor } from './support/gateway';
import { runTool as run } from './support/run-tool';
import { describeWithTool } from './support/system-tools';

describeWithTool(
  'mosquitto_pub',
  'mosquitto-clients',
  'ACL seen from mosquitto clients (e2e)',
  () => {
    let gw: TestGateway;
    let tokenA: string;
    let tokenB: string;
    const as = (id: string, token: string) => [
      '-h',
      '127.0.0.1',
      '-p',
      String(gw.mqttPort),
      '-i',
      id,
      '-u',
      id,
      '-P',
      token,
      '-V',
      'mqttv311',
    ];

    beforeEach(async () => {
      gw = await startTestGateway();
      tokenA = await provision(gw, 'dev-a');
      tokenB = await provision(gw, 'dev-b');
    });
    afterEach(async () => {
      await gw.stop();
    });

    it('accepts a device on its own topics (positive control)', async () => {
      const pub = await run('mosquitto_pub', [
        ...as('dev-a', tokenA),
        '-q',
        '1',
        '-t',
        topicFor('dev-a', 'hello'),
        '-m',
        JSON.stringify(hello),
      ]);
      expect(pub).toMatchObject({ code: 0, stderr: '' });
      // mosquitto_pub disconnects at once, so the device is already offline again: check what hello recorded.
      await waitFor(
        'hello recorded',
        async () => (await gw.api('GET', '/api/devices/dev-a')).body.vm.version === 'test/1',
      );
    });

    it('refuses a wrong password', async () => {
      const pub = await run('mosquitto_pub', [
        ...as('dev-a', 'wrong-token'),
        '-q',
        '1',
        '-t',
        topicFor('dev-a', 'hello'),
        '-m',
        '{}',
      ]);
      expect(pub.code).not.toBe(0);
      expect(pub.stderr).toMatch(/bad user name or password|not authori[sz]ed/i);
    });

    it('does not let dev-a publish on dev-b topics', async () => {
      const pub = await run('mosquitto_pub', [
        ...as('dev-a', tokenA),
        '-q',
        '1',
        '-t',
        topicFor('dev-b', 'telemetry'),
        '-m',
        JSON.stringify(telemetry()),
      ]);
      expect(pub.code).not.toBe(0);
      const metrics = await gw.api<string>('GET', '/metrics');
      expect(metrics.body).toMatch(
        /vmfleet_mqtt_connections_refused_total\{reason="acl_publish"\} 1/,
      );
      expect((await gw.api('GET', '/api/devices/dev-b')).body.latest).toBeNull();
    });

    it('does not let dev-a read dev-b topics, while each reads its own', async () => {
      // Each device leaves a retained status; a subscriber allowed to see it gets it at once.
      for (const [id, token] of [
        ['dev-a', tokenA],
        ['dev-b', tokenB],
      ]) {
        const pub = await run('mosquitto_pub', [
          ...as(id, token),
          '-q',
          '1',
          '-r',
          '-t',
          topicFor(id, 'status'),
          '-m',
          '{"state":"online"}',
        ]);
        expect(pub.code).toBe(0);
      }
      const own = await run('mosquitto_sub', [
        ...as('dev-a', tokenA),
        '-t',
        'vmfleet/v1/dev-a/#',
        '-C',
        '1',
        '-W',
        '3',
        '-v',
      ]);
      expect(own.stdout).toContain('vmfleet/v1/dev-a/status {"state":"online"}');
      const spy = await run('mosquitto_sub', [
        ...as('dev-a', tokenA),
        '-t',
        'vmfleet/v1/dev-b/#',
        '-C',
        '1',
        '-W',
        '3',
        '-v',
      ]);
      expect(spy.stdout).toBe('');
      const wildcard = await run('mosquitto_sub', [
        ...as('dev-a', tokenA),
        '-t',
        'vmfleet/v1/+/status',
        '-C',
        '1',
        '-W',
        '3',
        '-v',
      ]);
      expect(wildcard.stdout).toBe('');
      const metrics = await gw.api<string>('GET', '/metrics');
      expect(metrics.body).toMatch(
        /vmfleet_mqtt_connections_refused_total\{reason="acl_subscribe"\} [2-9]/,
      );
    });
  },
);
