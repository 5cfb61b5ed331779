import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultMqttUrl, resolveConnection, tokenFilePath } from './config';

describe('resolveConnection', () => {
  let dir: string;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'vmfleet-config-'));
    await writeFile(join(dir, 'api-token'), '  from-file\n');
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it.each([
    [{ token: 'flag' }, { VMFLEET_API_TOKEN: 'env' }, 'flag', 'flag'],
    [{}, { VMFLEET_API_TOKEN: 'env' }, 'env', 'env'],
    [{}, {}, 'from-file', 'file'],
  ])('options %j with env %j → token %p from %p', (options, env, token, source) => {
    const connection = resolveConnection(options, { ...env, VMFLEET_DATA_DIR: dir }, '/');
    expect(connection).toMatchObject({ token, tokenSource: source });
  });

  it('has no token when the file is missing, and names the file it looked for', () => {
    const connection = resolveConnection({}, {}, dir);
    expect(connection).toMatchObject({
      tokenSource: 'none',
      tokenFile: join(dir, 'data', 'api-token'),
    });
    expect(connection.token).toBeUndefined();
  });

  it.each([
    [{ url: 'http://a:1/' }, { VMFLEET_URL: 'http://b:2' }, 'http://a:1'],
    [{}, { VMFLEET_URL: 'http://b:2/' }, 'http://b:2'],
    [{}, {}, 'http://127.0.0.1:3000'],
  ])('options %j with env %j → url %p', (options, env, url) => {
    expect(resolveConnection(options, env, dir).url).toBe(url);
  });

  it('resolves a relative VMFLEET_DATA_DIR against the working directory', () => {
    expect(tokenFilePath({ VMFLEET_DATA_DIR: 'var/gw' }, '/srv')).toBe('/srv/var/gw/api-token');
  });
});

describe('defaultMqttUrl', () => {
  it.each([
    ['http://127.0.0.1:3000', 1883, 'mqtt://127.0.0.1:1883'],
    ['https://gw.example.org', 8883, 'mqtt://gw.example.org:8883'],
    ['http://[::1]:3000', 1883, 'mqtt://[::1]:1883'],
  ])('%p with MQTT port %p → %p', (url, port, expected) => {
    expect(defaultMqttUrl(url, port)).toBe(expected);
  });
});
