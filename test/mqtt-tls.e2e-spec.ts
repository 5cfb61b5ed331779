import { spawn } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import * as fs from 'node:fs';
import * as https from 'node:https';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import * as mqttPacket from 'mqtt-packet';
import { topicFor } from '../src/protocol';
import { createSelfSignedCert } from '../src/mqtt/self-signed-cert';
import { provision } from './support/fixtures';
import { startTestGateway, TestGateway } from './support/gateway';
import { runTool as run } from './support/run-tool';
import { describeWithTool } from './support/system-tools';

describeWithTool('mosquitto_sub', 'mosquitto-clients', 'MQTT over TLS (e2e)', () => {
  let gw: TestGateway;
  let token: string;
  const subscribeOnce = (port: number, tlsArgs: string[]) =>
    run('mosquitto_sub', [
      '-h',
      '127.0.0.1',
      '-p',
      String(port),
      ...tlsArgs,
      '-i',
      'dev-tls',
      '-u',
      'dev-tls',
      '-P',
      token,
      '-t',
      topicFor('dev-tls', 'cmd'),
      '-E', // exit once the SUBACK came: connected, authenticated and subscribed
      '-W',
      '2',
    ]);

  beforeAll(async () => {
    gw = await startTestGateway();
    token = await provision(gw, 'dev-tls');
  });
  afterAll(() => gw.stop());

  it('makes a self-signed certificate in <data dir>/tls on first start', () => {
    expect(gw.mqttTlsPort).toEqual(expect.any(Number));
    expect(gw.mqttTlsPort).not.toBe(gw.mqttPort);
    const certFile = path.join(gw.dataDir, 'tls', 'cert.pem');
    expect(gw.tls).toEqual({ certFile, fingerprint: expect.any(String), generated: true });
    const cert = new X509Certificate(fs.readFileSync(certFile));
    expect(gw.tls!.fingerprint).toBe(cert.fingerprint256);
    expect(cert.subjectAltName).toContain('IP Address:127.0.0.1');
    expect(fs.statSync(path.join(gw.dataDir, 'tls', 'key.pem')).mode & 0o077).toBe(0);
  });

  it('accepts mosquitto_sub --cafile <data dir>/tls/cert.pem on the TLS port', async () => {
    const sub = await subscribeOnce(gw.mqttTlsPort!, [
      '--cafile',
      path.join(gw.dataDir, 'tls', 'cert.pem'),
    ]);
    expect(sub).toMatchObject({ code: 0, stderr: '' });
  });

  it('refuses plain MQTT on the TLS port', async () => {
    // mosquitto_sub retries every second until -W; it must never get a SUBACK.
    const sub = await subscribeOnce(gw.mqttTlsPort!, []);
    expect(sub.code).not.toBe(0);
    // A raw plain CONNECT: the server closes at once, without a CONNACK (0x20).
    const socket = net.connect(gw.mqttTlsPort!, '127.0.0.1');
    const received: Buffer[] = [];
    socket.on('data', (d: Buffer) => received.push(d));
    socket.write(
      mqttPacket.generate({
        cmd: 'connect',
        clientId: 'dev-tls',
        username: 'dev-tls',
        password: Buffer.from(token),
        protocolVersion: 4,
        keepalive: 10,
      }),
    );
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error('the TLS port kept a plain connection')),
        3000,
      );
      socket.on('close', () => (clearTimeout(timer), resolve()));
      socket.on('error', () => undefined);
    });
    expect(received.some((d) => d[0] === 0x20)).toBe(false);
  });

  it('fails the handshake for a client that trusts another certificate', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vmfleet-tls-'));
    const other = createSelfSignedCert({ commonName: 'other', altNames: ['127.0.0.1'], days: 1 });
    fs.writeFileSync(path.join(dir, 'other.pem'), other.certPem);
    try {
      const sub = await subscribeOnce(gw.mqttTlsPort!, ['--cafile', path.join(dir, 'other.pem')]);
      expect(sub.code).not.toBe(0);
      expect(sub.stderr).toMatch(/certificate verify failed|TLS|SSL/i);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('keeps plain MQTT on its own port', async () => {
    const sub = await subscribeOnce(gw.mqttPort, []);
    expect(sub).toMatchObject({ code: 0, stderr: '' });
  });
});

describe('HTTPS for the API (e2e)', () => {
  let gw: TestGateway;

  beforeAll(async () => {
    gw = await startTestGateway({ VMFLEET_HTTPS: '1' });
  });
  afterAll(() => gw.stop());

  it('serves the REST API over HTTPS with the same certificate', async () => {
    expect(gw.httpUrl).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const ca = fs.readFileSync(path.join(gw.dataDir, 'tls', 'cert.pem'));
    const { status, fingerprint } = await new Promise<{ status?: number; fingerprint: string }>(
      (resolve, reject) => {
        const req = https.get(`${gw.httpUrl}/api/health`, { ca }, (res) => {
          const peer = (res.socket as import('node:tls').TLSSocket).getPeerCertificate();
          res.resume();
          res.on('end', () =>
            resolve({ status: res.statusCode, fingerprint: peer.fingerprint256 }),
          );
        });
        req.on('error', reject);
      },
    );
    expect(status).toBe(200);
    expect(fingerprint).toBe(gw.tls!.fingerprint);
  });

  it('keeps the certificate across a restart on the same data dir', async () => {
    const before = gw.tls!.fingerprint;
    await gw.restartable();
    gw = await startTestGateway({ VMFLEET_HTTPS: '1' }, { dataDir: gw.dataDir });
    expect(gw.tls).toMatchObject({ fingerprint: before, generated: false });
  });
});

describe('the start banner (e2e)', () => {
  let dataDir: string;
  beforeEach(() => (dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vmfleet-banner-'))));
  afterEach(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  /** src/main.ts as `npm start` runs it, killed once the banner's data line is out. */
  function banner(): Promise<string> {
    const child = spawn(
      process.execPath,
      ['-r', 'ts-node/register/transpile-only', 'src/main.ts'],
      {
        cwd: path.join(__dirname, '..'),
        env: {
          ...process.env,
          NO_COLOR: '1',
          VMFLEET_DATA_DIR: dataDir,
          VMFLEET_BIND_HOST: '127.0.0.1',
          VMFLEET_HTTP_PORT: '0',
          VMFLEET_MQTT_PORT: '0',
          VMFLEET_MQTT_TLS_PORT: '0',
          VMFLEET_COAP_PORT: '0',
          VMFLEET_BENCH_IMAGES: 'off',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (/\n {2}data {2}.*\n/.test(stdout)) child.kill('SIGKILL');
    });
    return new Promise((resolve) => child.on('close', () => resolve(stdout)));
  }

  it('prints the TLS port, the certificate file and its SHA-256 fingerprint', async () => {
    const first = await banner();
    const certFile = path.join(dataDir, 'tls', 'cert.pem');
    const fingerprint = new X509Certificate(fs.readFileSync(certFile)).fingerprint256;
    expect(first).toMatch(/\n {2}MQTTS mqtts:\/\/127\.0\.0\.1:\d+\n/);
    expect(first).toContain(`\n  TLS   ${certFile} (self-signed, made now)\n`);
    expect(first).toContain(`\n        SHA-256 ${fingerprint}\n`);
    const second = await banner();
    expect(second).toContain(`\n  TLS   ${certFile} (certificate)\n`);
    expect(second).toContain(fingerprint);
  }, 90_000);
});
