import { loadConfig } from './config/config';
import { portInUse } from './gateway';

function inUse(syscall: 'listen' | 'bind', port: number): NodeJS.ErrnoException {
  return Object.assign(new Error(`${syscall} EADDRINUSE`), { code: 'EADDRINUSE', syscall, port });
}

describe('portInUse', () => {
  const config = loadConfig({ VMFLEET_DATA_DIR: '/tmp/unused', VMFLEET_COAP_HOST: '::' });

  it.each([
    ['listen' as const, 3000, 'HTTP', 'VMFLEET_HTTP_PORT', '0.0.0.0'],
    ['listen' as const, 1883, 'MQTT', 'VMFLEET_MQTT_PORT', '0.0.0.0'],
    ['listen' as const, 8883, 'MQTT over TLS', 'VMFLEET_MQTT_TLS_PORT', '0.0.0.0'],
    ['bind' as const, 5683, 'CoAP, udp', 'VMFLEET_COAP_PORT', '::'],
  ])('%s EADDRINUSE on %d: %s, %s', (syscall, port, what, variable, host) => {
    expect(portInUse(inUse(syscall, port), config)?.message).toBe(
      `port ${port} (${what}) is already in use on ${host}: stop what holds it, or set ${variable} to a free port (0 picks one)`,
    );
  });

  it('names HTTP when HTTP and MQTT were given the same port (MQTT bound it first)', () => {
    const same = loadConfig({ VMFLEET_HTTP_PORT: '1883', VMFLEET_DATA_DIR: '/tmp/unused' });
    expect(portInUse(inUse('listen', 1883), same)).toMatchObject({
      variable: 'VMFLEET_HTTP_PORT',
    });
  });

  it('leaves other errors alone', () => {
    const denied = Object.assign(new Error('listen EACCES'), { code: 'EACCES', port: 80 });
    expect(portInUse(denied, config)).toBeUndefined();
    expect(portInUse(new Error('boom'), config)).toBeUndefined();
  });
});
