import * as path from 'node:path';
import { ConfigError, loadConfig } from './config';

describe('loadConfig', () => {
  it('gives the embedded defaults for an empty environment', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({
      httpPort: 3000,
      mqttPort: 1883,
      coapPort: 5683,
      mqttMaxPayloadBytes: 65536,
    });
    expect(c.database).toEqual({ kind: 'sqlite', file: path.resolve('data', 'vmfleet.sqlite') });
  });

  it('selects PostgreSQL from a postgres:// URL', () => {
    const c = loadConfig({ VMFLEET_DATABASE_URL: 'postgres://u:p@localhost/db' });
    expect(c.database).toEqual({ kind: 'postgres', url: 'postgres://u:p@localhost/db' });
  });

  it.each([
    ['VMFLEET_HTTP_PORT', 'abc', /VMFLEET_HTTP_PORT/],
    ['VMFLEET_MQTT_PORT', '70000', /0-65535/],
    ['VMFLEET_DATABASE_URL', 'mysql://x', /postgres:\/\//],
    ['VMFLEET_API_TOKEN', 'short', /at least 16/],
    ['VMFLEET_MQTT_BROKER_URL', 'http://x:1883', /mqtt:\/\/host:port or mqtts:/],
    ['VMFLEET_MQTT_BROKER_URL', 'mqtt://x:1883/path', /mqtt:\/\/host:port or mqtts:/],
    ['VMFLEET_TELEMETRY_RETENTION_DAYS', '-1', /> 0/],
    ['VMFLEET_LOG_LEVEL', 'loud', /VMFLEET_LOG_LEVEL/],
  ])('rejects %s=%s with a clear message', (name, value, message) => {
    expect(() => loadConfig({ [name]: value })).toThrow(message);
  });

  it('reports every bad value at once', () => {
    try {
      loadConfig({ VMFLEET_HTTP_PORT: 'x', VMFLEET_MQTT_PORT: 'y' });
      throw new Error('expected a ConfigError');
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      expect((err as ConfigError).problems).toHaveLength(2);
    }
  });

  it('gives the CoAP abuse limits their documented defaults, and refuses nonsense', () => {
    expect(loadConfig({}).coapLimits).toEqual({
      block1TimeoutMs: 60_000,
      block1PerEndpoint: 2,
      block1Total: 256,
      ratePerS: 100,
      burst: 200,
    });
    expect(loadConfig({ VMFLEET_COAP_RATE: '0' }).coapLimits.ratePerS).toBe(0);
    expect(() => loadConfig({ VMFLEET_COAP_BLOCK1_MAX: '0' })).toThrow(/VMFLEET_COAP_BLOCK1_MAX/);
    expect(() => loadConfig({ VMFLEET_COAP_BURST: 'x' })).toThrow(/VMFLEET_COAP_BURST/);
  });

  it('puts MQTT over TLS on 8883 with the certificate in <data dir>/tls by default', () => {
    const c = loadConfig({ VMFLEET_DATA_DIR: '/srv/vmfleet' });
    expect(c).toMatchObject({
      mqttTlsPort: 8883,
      https: false,
      tls: {
        certFile: path.resolve('/srv/vmfleet/tls/cert.pem'),
        keyFile: path.resolve('/srv/vmfleet/tls/key.pem'),
        generate: true,
      },
    });
  });

  it('takes a TLS port, off, a given pair of PEM files and VMFLEET_HTTPS=1', () => {
    expect(loadConfig({ VMFLEET_MQTT_TLS_PORT: '0' }).mqttTlsPort).toBe(0);
    expect(loadConfig({ VMFLEET_MQTT_TLS_PORT: 'off' }).mqttTlsPort).toBeNull();
    const c = loadConfig({
      VMFLEET_TLS_CERT: '/etc/c.pem',
      VMFLEET_TLS_KEY: '/etc/k.pem',
      VMFLEET_HTTPS: '1',
    });
    expect(c.tls).toEqual({ certFile: '/etc/c.pem', keyFile: '/etc/k.pem', generate: false });
    expect(c.https).toBe(true);
  });

  it.each([
    [{ VMFLEET_MQTT_TLS_PORT: '99999' }, /VMFLEET_MQTT_TLS_PORT/],
    [{ VMFLEET_HTTPS: 'yes' }, /VMFLEET_HTTPS must be 0 or 1/],
    [{ VMFLEET_TLS_CERT: '/etc/c.pem' }, /VMFLEET_TLS_CERT and VMFLEET_TLS_KEY go together/],
  ])('refuses %j', (env, message) => {
    expect(() => loadConfig(env)).toThrow(message);
  });

  it('joins an external broker with credentials from the URL or from the environment', () => {
    expect(loadConfig({}).mqttBroker).toEqual({ kind: 'embedded' });
    expect(
      loadConfig({ VMFLEET_MQTT_BROKER_URL: 'mqtt://gw:p%40ss@broker:1883' }).mqttBroker,
    ).toEqual({ kind: 'external', url: 'mqtt://broker:1883', username: 'gw', password: 'p@ss' });
    const c = loadConfig({
      VMFLEET_MQTT_BROKER_URL: 'mqtts://broker:8883',
      VMFLEET_MQTT_BROKER_USERNAME: 'gw',
      VMFLEET_MQTT_BROKER_PASSWORD: 'secret',
      VMFLEET_MQTT_BROKER_CA: '/etc/ca.pem',
      VMFLEET_MQTT_CLIENT_ID: 'gw-1',
    });
    expect(c.mqttBroker).toEqual({
      kind: 'external',
      url: 'mqtts://broker:8883',
      username: 'gw',
      password: 'secret',
      caFile: '/etc/ca.pem',
      clientId: 'gw-1',
    });
  });

  it.each([
    [{ VMFLEET_MQTT_BROKER_URL: 'mqtt://broker:1883' }, /needs its own broker login/],
    [{ VMFLEET_MQTT_BROKER_URL: 'mqtt://broker' }, /must name a port/],
    [
      { VMFLEET_MQTT_BROKER_URL: 'mqtt://a:b@broker:1883', VMFLEET_MQTT_BROKER_USERNAME: 'c' },
      /use one of them/,
    ],
    [
      {
        VMFLEET_MQTT_BROKER_URL: 'mqtt://a:b@broker:1883',
        VMFLEET_MQTT_BROKER_CA: '/ca.pem',
      },
      /mqtts:\/\/ broker URL only/,
    ],
    [{ VMFLEET_MQTT_BROKER_USERNAME: 'gw' }, /need VMFLEET_MQTT_BROKER_URL/],
    [{ VMFLEET_MQTT_BROKER_URL: 'mqtt://a:b@h:1', VMFLEET_MQTT_CLIENT_ID: 'a b' }, /CLIENT_ID/],
  ])('refuses the broker settings %j', (env, message) => {
    expect(() => loadConfig(env)).toThrow(message);
  });

  it('treats an empty variable as unset', () => {
    expect(loadConfig({ VMFLEET_HTTP_PORT: '' }).httpPort).toBe(3000);
  });
});
