import { InvalidArgumentError } from 'commander';
import {
  collectTag,
  parseAddress,
  parseAppKey,
  parseAppName,
  parseAppRef,
  parseAppVersion,
  parseByteSize,
  parseBoardName,
  parseDeviceId,
  parseEventLimit,
  parseEventName,
  parseEventValue,
  parseHttpUrl,
  parseMemoryLength,
  parseMonitorTimeout,
  parseMqttUrl,
  parsePositiveInt,
  parsePositiveNumber,
  parseStep,
  parseStepCount,
  parseTimeArg,
} from './args';

describe('argument parsers', () => {
  const now = Date.parse('2024-05-01T12:00:00.000Z');

  it.each([
    ['15m', String(now - 15 * 60_000)],
    ['2h', String(now - 2 * 3_600_000)],
    ['7d', String(now - 7 * 86_400_000)],
    ['30s', String(now - 30_000)],
    ['1714564800000', '1714564800000'],
    ['2024-05-01T00:00:00Z', '2024-05-01T00:00:00Z'],
  ])('parseTimeArg(%p) → %p', (value, expected) => {
    expect(parseTimeArg(value, now)).toBe(expected);
  });

  it.each([['yesterday'], ['15 minutes'], ['-5m'], ['']])('parseTimeArg rejects %p', (value) => {
    expect(() => parseTimeArg(value, now)).toThrow(InvalidArgumentError);
  });

  it.each([['10s'], ['5m'], ['1h'], ['60000']])('parseStep accepts %p', (value) => {
    expect(parseStep(value)).toBe(value);
  });

  it.each([['0'], ['5d'], ['1.5s'], ['-10s'], ['s']])('parseStep rejects %p', (value) => {
    expect(() => parseStep(value)).toThrow(InvalidArgumentError);
  });

  it.each([
    ['1', 1],
    ['250', 250],
  ])('parsePositiveInt(%p) → %p', (value, expected) => {
    expect(parsePositiveInt(value)).toBe(expected);
  });

  it.each([['0'], ['-3'], ['1.5'], ['ten'], ['']])('parsePositiveInt rejects %p', (value) => {
    expect(() => parsePositiveInt(value)).toThrow(InvalidArgumentError);
  });

  it.each([
    ['0.5', 0.5],
    ['30', 30],
  ])('parsePositiveNumber(%p) → %p', (value, expected) => {
    expect(parsePositiveNumber(value)).toBe(expected);
  });

  it.each([['0'], ['-1'], ['abc'], [' ']])('parsePositiveNumber rejects %p', (value) => {
    expect(() => parsePositiveNumber(value)).toThrow(InvalidArgumentError);
  });

  it.each([
    ['http://127.0.0.1:3000', 'http://127.0.0.1:3000'],
    ['https://gw.example/', 'https://gw.example'],
  ])('parseHttpUrl(%p) → %p', (value, expected) => {
    expect(parseHttpUrl(value)).toBe(expected);
  });

  it.each([['127.0.0.1:3000'], ['ftp://x'], ['not a url']])('parseHttpUrl rejects %p', (value) => {
    expect(() => parseHttpUrl(value)).toThrow(InvalidArgumentError);
  });

  it.each([['mqtt://127.0.0.1:1883'], ['mqtts://broker:8883'], ['ws://gw:3000/mqtt']])(
    'parseMqttUrl accepts %p',
    (value) => {
      expect(parseMqttUrl(value)).toBe(value);
    },
  );

  it.each([['http://x'], ['127.0.0.1:1883']])('parseMqttUrl rejects %p', (value) => {
    expect(() => parseMqttUrl(value)).toThrow(InvalidArgumentError);
  });

  it('validates ids, boards and tags with the protocol schemas', () => {
    expect(parseDeviceId('lab-01')).toBe('lab-01');
    expect(() => parseDeviceId('a/b')).toThrow(InvalidArgumentError);
    expect(parseBoardName('esp32')).toBe('esp32');
    expect(() => parseBoardName('ESP32')).toThrow(InvalidArgumentError);
    expect(collectTag('b', ['a'])).toEqual(['a', 'b']);
    expect(collectTag('a', undefined)).toEqual(['a']);
    expect(() => collectTag('no spaces', undefined)).toThrow(InvalidArgumentError);
  });
});

describe('monitor and event arguments', () => {
  it.each([
    ['0', 0],
    ['4096', 4096],
    ['0x1000', 0x1000],
    ['0X1f', 0x1f],
    ['0xDEADbeef', 0xdeadbeef],
    ['0xffffffff', 0xffffffff],
    ['4294967295', 0xffffffff],
  ])('parseAddress(%p) → %p', (value, expected) => {
    expect(parseAddress(value)).toBe(expected);
  });

  it.each([
    ['0x'],
    ['0x100000000'],
    ['4294967296'],
    ['-1'],
    ['0xZZ'],
    ['1e3'],
    ['10h'],
    [''],
    [' 16'],
  ])('parseAddress rejects %p', (value) => {
    expect(() => parseAddress(value)).toThrow(InvalidArgumentError);
  });

  it.each([
    ['button', 'button'],
    ['0', 0],
    ['1', 1],
    ['101', 101],
    ['65535', 65535],
  ])('parseEventName(%p) → %p', (value, expected) => {
    expect(parseEventName(value)).toBe(expected);
  });

  it.each([['Button'], ['press'], ['65536'], ['-1'], ['1.5'], ['0x65'], ['']])(
    'parseEventName rejects %p',
    (value) => {
      expect(() => parseEventName(value)).toThrow(InvalidArgumentError);
    },
  );

  it.each([
    ['0', 0],
    ['-5', -5],
    ['2147483647', 2147483647],
    ['-2147483648', -2147483648],
  ])('parseEventValue(%p) → %p', (value, expected) => {
    expect(parseEventValue(value)).toBe(expected);
  });

  it.each([['2147483648'], ['-2147483649'], ['1.5'], ['ten']])(
    'parseEventValue rejects %p',
    (value) => {
      expect(() => parseEventValue(value)).toThrow(InvalidArgumentError);
    },
  );

  it.each([
    [parseMemoryLength, '1', 1],
    [parseMemoryLength, '1024', 1024],
    [parseStepCount, '100000', 100000],
    [parseMonitorTimeout, '100', 100],
    [parseMonitorTimeout, '60000', 60000],
    [parseEventLimit, '1000', 1000],
  ])('%p(%p) → %p', (parse, value, expected) => {
    expect(parse(value)).toBe(expected);
  });

  it.each([
    [parseMemoryLength, '0', 'expected a byte count from 1 to 1024'],
    [parseMemoryLength, '1025', 'expected a byte count from 1 to 1024'],
    [parseStepCount, '100001', 'expected an instruction count from 1 to 100000'],
    [parseStepCount, '0', 'expected an instruction count from 1 to 100000'],
    [parseMonitorTimeout, '99', 'expected milliseconds from 100 to 60000'],
    [parseMonitorTimeout, '5s', 'expected milliseconds from 100 to 60000'],
    [parseEventLimit, '1001', 'expected a count from 1 to 1000'],
  ])('%p rejects %p: %p', (parse, value, message) => {
    expect(() => parse(value)).toThrow(message);
  });

  it.each([
    ['blinky@1.2.0', { id: 'blinky', version: '1.2.0' }],
    ['@scope/app@2', { id: '@scope/app', version: '2' }],
  ])('parseAppRef(%p) → %p', (value, expected) => {
    expect(parseAppRef(value)).toEqual(expected);
  });

  it.each([['blinky'], ['blinky@'], ['@1.0'], ['']])('parseAppRef rejects %p', (value) => {
    expect(() => parseAppRef(value)).toThrow(InvalidArgumentError);
  });
});

describe('app repository arguments', () => {
  it.each([
    ['blinky@1.2.0', { name: 'blinky', version: '1.2.0' }],
    ['sensor.v2_x-y@0.0.1', { name: 'sensor.v2_x-y', version: '0.0.1' }],
    ['9lives@10.20.30-rc.1', { name: '9lives', version: '10.20.30-rc.1' }],
    ['a@1.0.0-alpha-beta.0.x', { name: 'a', version: '1.0.0-alpha-beta.0.x' }],
  ])('parseAppKey(%p) → %p', (value, expected) => {
    expect(parseAppKey(value)).toEqual(expected);
  });

  it.each([
    ['blinky', 'expected <name>@<version>, e.g. blinky@1.2.0'],
    ['', 'expected <name>@<version>'],
    ['@1.2.0', 'the name before @ must be 1-64 chars of a-z 0-9 . _ -'],
    ['Blinky@1.2.0', 'the name before @ must be'],
    ['-x@1.2.0', 'the name before @ must be'],
    [`${'a'.repeat(65)}@1.2.0`, 'the name before @ must be'],
    ['blinky@', 'the version after @ must be a semantic version x.y.z or x.y.z-pre'],
    ['blinky@1.2', 'the version after @ must be'],
    ['blinky@v1.2.0', 'the version after @ must be'],
    ['blinky@01.2.0', 'the version after @ must be'],
    ['blinky@1.2.0+build.5', 'the version after @ must be'],
    ['blinky@1.2.0-', 'the version after @ must be'],
    ['blinky@1.2.0@3', 'the version after @ must be'],
  ])('parseAppKey rejects %p: %p', (value, message) => {
    expect(() => parseAppKey(value)).toThrow(InvalidArgumentError);
    expect(() => parseAppKey(value)).toThrow(message);
  });

  it('takes names of 1 to 64 chars and semantic versions on their own', () => {
    expect(parseAppName('a')).toBe('a');
    expect(parseAppName('a'.repeat(64))).toBe('a'.repeat(64));
    expect(() => parseAppName('a/b')).toThrow('expected 1-64 chars of a-z 0-9 . _ -');
    expect(parseAppVersion('0.0.0')).toBe('0.0.0');
    expect(() => parseAppVersion('latest')).toThrow('expected a semantic version');
  });

  it.each([
    ['1', 1],
    ['65536', 65536],
    ['64KiB', 65536],
    ['64 kib', 65536],
    ['1MiB', 1048576],
  ])('parseByteSize(%p) → %p', (value, expected) => {
    expect(parseByteSize(value)).toBe(expected);
  });

  it.each([['0'], ['-1'], ['1.5'], ['64KB'], ['64k'], ['lots'], [''], ['0KiB']])(
    'parseByteSize rejects %p',
    (value) => {
      expect(() => parseByteSize(value)).toThrow('expected a number of bytes of at least 1');
    },
  );
});
