import { InvalidArgumentError } from 'commander';
import {
  collectTag,
  parseBoardName,
  parseDeviceId,
  parseHttpUrl,
  parseMqttUrl,
  parsePositiveInt,
  parsePositiveNumber,
  parseStep,
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
