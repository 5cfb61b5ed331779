import { mayPublish, maySubscribe } from './access-policy';

describe('MQTT access policy', () => {
  it.each([
    ['vmfleet/v1/dev-a/hello', true],
    ['vmfleet/v1/dev-a/telemetry', true],
    ['vmfleet/v1/dev-a/status', true],
    ['vmfleet/v1/dev-b/telemetry', false],
    ['vmfleet/v1/dev-a/error', false],
    ['vmfleet/v1/dev-a/nope', false],
    ['vmfleet/v1/dev-a', false],
    ['vmfleet/v2/dev-a/hello', false],
    ['other/topic', false],
    ['$SYS/broker/x', false],
  ])('dev-a publishing on %s: %s', (topic, allowed) => {
    expect(mayPublish('dev-a', topic).allow).toBe(allowed);
  });

  it.each([
    ['status', true],
    ['hello', false],
    ['telemetry', false],
    ['event', false],
    ['reply', false],
    ['ota', false],
  ])('dev-a publishing retained on %s: %s', (channel, allowed) => {
    expect(mayPublish('dev-a', `vmfleet/v1/dev-a/${channel}`, true).allow).toBe(allowed);
  });

  it('says why it refuses a retained publish', () => {
    expect(mayPublish('dev-a', 'vmfleet/v1/dev-a/telemetry', true)).toEqual({
      allow: false,
      reason: 'retained publish on "telemetry": only status may be retained',
    });
  });

  it.each([
    ['vmfleet/v1/dev-a/error', true],
    ['vmfleet/v1/dev-a/+', true],
    ['vmfleet/v1/dev-a/#', true],
    ['vmfleet/v1/dev-a/status', true],
    ['vmfleet/v1/dev-a/nope', false],
    ['vmfleet/v1/dev-b/error', false],
    ['vmfleet/v1/+/error', false],
    ['vmfleet/v1/#', false],
    ['#', false],
    ['vmfleet/v1/dev-a/+/x', false],
    ['$SYS/#', false],
  ])('dev-a subscribing to %s: %s', (filter, allowed) => {
    expect(maySubscribe('dev-a', filter).allow).toBe(allowed);
  });

  it('says why it refuses', () => {
    expect(mayPublish('dev-a', 'vmfleet/v1/dev-b/hello')).toEqual({
      allow: false,
      reason: 'publish outside vmfleet/v1/dev-a/: vmfleet/v1/dev-b/hello',
    });
  });
});
