import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as dgram from 'node:dgram';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DataSource } from 'typeorm';
import { hello, provision, telemetry } from './support/fixtures';
import { startTestGateway, type TestGateway, waitFor } from './support/gateway';
import { deploy, firmwareImage, publishApp } from './support/ota';
import { describeWithTool } from './support/system-tools';

/** Runs libcoap's client; resolves with stdout, rejects with stderr on a non-zero exit. */
function coapClient(args: string[]): Promise<string> {
  return new Promise((resolve, reject) =>
    execFile('coap-client-notls', args, { timeout: 20_000 }, (err, stdout, stderr) =>
      err
        ? reject(new Error(`coap-client-notls ${args.join(' ')}: ${stderr || err.message}`))
        : resolve(stdout),
    ),
  );
}

/** A UDP port free on 127.0.0.1 just now. */
async function freeUdpPort(): Promise<number> {
  const socket = dgram.createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  const { port } = socket.address();
  await new Promise<void>((resolve) => socket.close(resolve));
  return port;
}

describeWithTool(
  'coap-client-notls',
  'libcoap3-bin',
  'CoAP interop with libcoap coap-client-notls (e2e)',
  () => {
    let gw: TestGateway;
    let dir: string;
    // A session works from the address and port that registered it (docs/protocol.md
    // §11.4): every coap-client run of this "device" binds the same local port.
    let local: string[];
    const client = (args: string[]) => coapClient([...local, ...args]);

    beforeAll(async () => {
      gw = await startTestGateway();
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vmfleet-coap-'));
      local = ['-a', '127.0.0.1', '-p', String(await freeUdpPort())];
    });
    afterAll(async () => {
      await gw.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    });

    const base = () => `coap://127.0.0.1:${gw.coapPort}`;

    async function register(id: string): Promise<string> {
      const token = await provision(gw, id);
      const out = await client([
        '-m',
        'post',
        '-t',
        '50',
        `${base()}/v1/register`,
        '-e',
        JSON.stringify({ id, token, hello }),
      ]);
      return (JSON.parse(out) as { session: string }).session;
    }

    it('discovers the resources', async () => {
      const out = await client(['-m', 'get', `${base()}/.well-known/core`]);
      expect(out).toContain('</v1/register>;rt="vmfleet.register"');
      expect(out).toMatch(/<\/v1\/down>;rt="vmfleet.down";obs/);
      expect(out).toContain('</v1/telemetry>');
    });

    it('registers and POSTs telemetry that lands in the database', async () => {
      const session = await register('lc-1');
      await client([
        '-m',
        'post',
        '-t',
        '50',
        `${base()}/v1/telemetry?s=${session}`,
        '-e',
        JSON.stringify(telemetry({ uptimeMs: 777 })),
      ]);
      const db = gw.app.get(DataSource);
      await waitFor('the sample stored', async () => {
        const rows = await db.query<{ n: number }[]>(
          "SELECT count(*) AS n FROM telemetry_samples WHERE device_id = 'lc-1' AND uptime_ms = 777",
        );
        return Number(rows[0].n) === 1;
      });
    });

    it('fetches an app image block-wise (64-byte blocks) with the SHA-256 of the upload', async () => {
      const image = firmwareImage('tarfind');
      await publishApp(gw, 'lc-app', '1.0.0', image);
      const session = await register('lc-2');
      const id = await deploy(gw, {
        app: { name: 'lc-app', version: '1.0.0' },
        target: { devices: ['lc-2'] },
      });
      const file = path.join(dir, 'app.bin');
      await client(['-m', 'get', '-b', '64', '-o', file, `${base()}/v1/ota/${id}?s=${session}`]);
      const got = fs.readFileSync(file);
      expect(got.length).toBe(image.length);
      const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
      expect(sha(got)).toBe(sha(image));
      const view = await gw.api('GET', `/api/deployments/${id}`);
      expect(view.body.targets[0].bytesSent).toBeGreaterThanOrEqual(image.length);
    });
  },
);

describeWithTool(
  'coap-client-notls',
  'libcoap3-bin',
  'CoAP over IPv6 (VMFLEET_COAP_HOST), as 6LoWPAN/RIOT devices reach it (e2e)',
  () => {
    let gw: TestGateway;
    beforeAll(async () => {
      gw = await startTestGateway({ VMFLEET_COAP_HOST: '::1' });
    });
    afterAll(async () => {
      await gw.stop();
    });

    it('binds CoAP to its own IPv6 address while HTTP stays on IPv4 loopback', async () => {
      const out = await coapClient(['-m', 'get', `coap://[::1]:${gw.coapPort}/.well-known/core`]);
      expect(out).toContain('</v1/register>');
      // Nothing listens on IPv4 for CoAP now: libcoap reports the ICMP refusal, no answer.
      const v4 = await coapClient([
        '-B',
        '2',
        '-m',
        'get',
        `coap://127.0.0.1:${gw.coapPort}/.well-known/core`,
      ]);
      expect(v4).not.toContain('</v1/register>');
      expect((await gw.api('GET', '/api/health')).status).toBe(200);
    });
  },
);
