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
    ['VMFLEET_MQTT_BROKER_URL', 'mqtt://x', /not available yet/],
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

  it('treats an empty variable as unset', () => {
    expect(loadConfig({ VMFLEET_HTTP_PORT: '' }).httpPort).toBe(3000);
  });
});
