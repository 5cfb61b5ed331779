import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from './main';
import { captureIo } from './testing/capture-io';
import { FakeGateway, TEST_TOKEN } from './testing/fake-gateway';

describe('connection settings', () => {
  let gateway: FakeGateway;
  let dataDir: string;

  beforeEach(async () => {
    gateway = await FakeGateway.start();
    dataDir = await mkdtemp(join(tmpdir(), 'vmfleet-cli-'));
  });

  afterEach(async () => {
    await gateway.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('reads the token the gateway wrote to <VMFLEET_DATA_DIR>/api-token', async () => {
    await writeFile(join(dataDir, 'api-token'), `${TEST_TOKEN}\n`);
    const { io, stdout } = captureIo({ env: { VMFLEET_DATA_DIR: dataDir } });
    await expect(runCli(['--url', gateway.url, 'devices', 'list'], { io })).resolves.toBe(0);
    expect(stdout()).toBe('No devices match.\n');
    expect(gateway.requests[0].headers.authorization).toBe(`Bearer ${TEST_TOKEN}`);
  });

  it('prefers --token over VMFLEET_API_TOKEN and says which token was refused', async () => {
    const { io, stderr } = captureIo({
      env: { VMFLEET_URL: gateway.url, VMFLEET_API_TOKEN: TEST_TOKEN },
    });
    await expect(runCli(['--token', 'wrong', 'fleet'], { io })).resolves.toBe(1);
    expect(stderr()).toBe(
      `error: missing or invalid API token (unauthorized, HTTP 401); the API token from --token was refused by ${gateway.url}\n`,
    );
  });

  it('explains where a token comes from when there is none', async () => {
    const { io, stderr } = captureIo({
      env: { VMFLEET_URL: gateway.url, VMFLEET_DATA_DIR: dataDir },
    });
    await expect(runCli(['devices', 'list'], { io })).resolves.toBe(1);
    expect(stderr()).toContain(
      'no API token found: pass --token, set VMFLEET_API_TOKEN, or start the gateway once',
    );
    expect(stderr()).toContain(join(dataDir, 'api-token'));
  });

  it('names the URL and `npm start` when no gateway answers', async () => {
    const url = gateway.url;
    await gateway.close();
    const { io, stderr } = captureIo({ env: { VMFLEET_URL: url, VMFLEET_API_TOKEN: TEST_TOKEN } });
    await expect(runCli(['fleet'], { io })).resolves.toBe(1);
    expect(stderr()).toBe(
      `error: cannot reach the vmfleet gateway at ${url} (ECONNREFUSED); start one with \`npm start\` or point --url / VMFLEET_URL at a running gateway\n`,
    );
  });
});
