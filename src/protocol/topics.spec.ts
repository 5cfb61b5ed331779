import {
  devicePrefix,
  DOWN_CHANNELS,
  isDownChannel,
  isUpChannel,
  parseTopic,
  PROTOCOL_VERSION,
  topicFor,
  TOPIC_ROOT,
  UP_CHANNELS,
} from './topics';
import { DEVICE_ID_PATTERN } from './vm';

const ID_64 = 'a'.repeat(64);
const ID_65 = 'a'.repeat(65);

describe('topic root', () => {
  it('is vmfleet/v1 for protocol version 1', () => {
    expect(PROTOCOL_VERSION).toBe(1);
    expect(TOPIC_ROOT).toBe('vmfleet/v1');
  });
});

describe('topicFor', () => {
  it.each([
    ['nrf-01', 'hello', 'vmfleet/v1/nrf-01/hello'],
    ['nrf-01', 'telemetry', 'vmfleet/v1/nrf-01/telemetry'],
    ['nrf-01', 'status', 'vmfleet/v1/nrf-01/status'],
    ['nrf-01', 'error', 'vmfleet/v1/nrf-01/error'],
    ['A.b_c-9', 'hello', 'vmfleet/v1/A.b_c-9/hello'],
    [ID_64, 'status', `vmfleet/v1/${ID_64}/status`],
  ] as const)('topicFor(%j, %j) = %j', (id, channel, topic) => {
    expect(topicFor(id, channel)).toBe(topic);
  });

  it.each([...UP_CHANNELS, ...DOWN_CHANNELS])('round-trips channel %s through parseTopic', (ch) => {
    expect(parseTopic(topicFor('dev-1', ch))).toEqual({ deviceId: 'dev-1', channel: ch });
  });

  // topicFor does not validate ids (callers validate with deviceIdSchema first); what must
  // hold is that a hostile id never parses back as itself, so it cannot pass an ACL check.
  it.each(['a/b', '+', '#', '', ID_65, '-dev', 'dev\n', 'dev/+/x'])(
    'hostile id %j never parses back as itself',
    (id) => {
      expect(DEVICE_ID_PATTERN.test(id)).toBe(false);
      expect(parseTopic(topicFor(id, 'hello'))?.deviceId).not.toBe(id);
    },
  );
});

describe('devicePrefix', () => {
  it('ends with a level separator', () => {
    expect(devicePrefix('dev')).toBe('vmfleet/v1/dev/');
  });

  it.each([
    ['dev', 'vmfleet/v1/dev/hello', true],
    ['dev', 'vmfleet/v1/dev/ota/data', true],
    ['dev', 'vmfleet/v1/dev/#', true],
    ['dev', 'vmfleet/v1/dev2/hello', false],
    ['dev', 'vmfleet/v1/de/hello', false],
    ['dev', 'vmfleet/v1/dev', false],
    ['dev', 'vmfleet/v1/+/hello', false],
    ['dev', 'vmfleet/v1/#', false],
    ['dev', 'vmfleet/v2/dev/hello', false],
    ['dev', '/vmfleet/v1/dev/hello', false],
    ['dev', 'VMFLEET/v1/dev/hello', false],
  ])('prefix of %j covers %j: %s', (id, topic, covered) => {
    expect(topic.startsWith(devicePrefix(id))).toBe(covered);
  });
});

describe('parseTopic', () => {
  it.each([
    ['vmfleet/v1/dev/hello', 'dev', 'hello'],
    ['vmfleet/v1/dev/telemetry', 'dev', 'telemetry'],
    ['vmfleet/v1/dev/ota/data', 'dev', 'ota/data'],
    ['vmfleet/v1/A.b_c-9/status', 'A.b_c-9', 'status'],
    ['vmfleet/v1/9/x', '9', 'x'],
    [`vmfleet/v1/${ID_64}/hello`, ID_64, 'hello'],
    // The channel comes back verbatim; wildcards or empty levels in it are caught by
    // isUpChannel / isDownChannel, never mistaken for a known channel.
    ['vmfleet/v1/dev/#', 'dev', '#'],
    ['vmfleet/v1/dev/+', 'dev', '+'],
    ['vmfleet/v1/dev//hello', 'dev', '/hello'],
    ['vmfleet/v1/dev/hello/', 'dev', 'hello/'],
  ])('parses %j as device %j channel %j', (topic, deviceId, channel) => {
    expect(parseTopic(topic)).toEqual({ deviceId, channel });
  });

  it.each([
    ['empty string', ''],
    ['the root alone', 'vmfleet/v1'],
    ['the root and a slash', 'vmfleet/v1/'],
    ['no channel level', 'vmfleet/v1/dev'],
    ['an empty channel', 'vmfleet/v1/dev/'],
    ['an empty device level', 'vmfleet/v1//hello'],
    ['a + wildcard as device', 'vmfleet/v1/+/hello'],
    ['a # wildcard as device', 'vmfleet/v1/#'],
    ['a wildcard inside the device', 'vmfleet/v1/de+v/hello'],
    ['a device id of 65 chars', `vmfleet/v1/${ID_65}/hello`],
    ['a device id starting with -', 'vmfleet/v1/-dev/hello'],
    ['a device id starting with .', 'vmfleet/v1/.dev/hello'],
    ['a device id of ..', 'vmfleet/v1/../hello'],
    ['a device id with a space', 'vmfleet/v1/my dev/hello'],
    ['a device id with NUL', 'vmfleet/v1/dev\u0000/hello'],
    ['a device id with a newline', 'vmfleet/v1/dev\n/hello'],
    ['a non-ASCII device id', 'vmfleet/v1/dév/hello'],
    ['another version', 'vmfleet/v2/dev/hello'],
    ['a version that only shares a prefix', 'vmfleet/v10/dev/hello'],
    ['a leading slash', '/vmfleet/v1/dev/hello'],
    ['another case', 'Vmfleet/v1/dev/hello'],
    ['another root', 'other/v1/dev/hello'],
    ['$SYS', '$SYS/broker/clients/connected'],
    ['a root without its version', 'vmfleet/dev/hello'],
  ])('rejects %s (%j)', (_what, topic) => {
    expect(parseTopic(topic)).toBeNull();
  });
});

describe('channel predicates', () => {
  it.each([
    ['hello', true, false],
    ['telemetry', true, false],
    ['status', true, false],
    ['error', false, true],
    ['', false, false],
    ['#', false, false],
    ['+', false, false],
    ['Hello', false, false],
    ['hello/', false, false],
    ['/hello', false, false],
    ['hello ', false, false],
    ['toString', false, false],
    ['__proto__', false, false],
    ['ota/data', false, false],
  ])('%j: up %s, down %s', (channel, up, down) => {
    expect(isUpChannel(channel)).toBe(up);
    expect(isDownChannel(channel)).toBe(down);
  });

  it('keeps uplink and downlink channels disjoint', () => {
    const down: readonly string[] = DOWN_CHANNELS;
    expect(UP_CHANNELS.filter((c) => down.includes(c))).toEqual([]);
  });
});
