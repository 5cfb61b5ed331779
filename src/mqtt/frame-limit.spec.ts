import { MqttFrameMeter, PacketTooLargeError } from './frame-limit';

/** An MQTT PUBLISH-like frame: type byte, varint remaining length, body. */
function frame(bodyLength: number): Buffer {
  const len: number[] = [];
  let x = bodyLength;
  do {
    let b = x % 128;
    x = Math.floor(x / 128);
    if (x > 0) b |= 0x80;
    len.push(b);
  } while (x > 0);
  return Buffer.concat([Buffer.from([0x30, ...len]), Buffer.alloc(bodyLength, 1)]);
}

describe('MqttFrameMeter', () => {
  it.each([0, 1, 127, 128, 16383, 16384, 1000])('accepts a %i-byte body within the limit', (n) => {
    expect(() => new MqttFrameMeter(16384).feed(frame(n))).not.toThrow();
  });

  it('refuses from the header alone, before the body arrives', () => {
    const header = frame(70000).subarray(0, 4);
    expect(() => new MqttFrameMeter(65536).feed(header)).toThrow(PacketTooLargeError);
  });

  it('follows boundaries across arbitrary chunk splits', () => {
    const stream = Buffer.concat([frame(10), frame(300), frame(0), frame(200), frame(5000)]);
    for (const size of [1, 2, 3, 7, 64, 1000]) {
      const meter = new MqttFrameMeter(1000);
      const feedAll = () => {
        for (let i = 0; i < stream.length; i += size) meter.feed(stream.subarray(i, i + size));
      };
      expect(feedAll).toThrow(/5000 bytes exceeds the limit of 1000/);
    }
  });

  it('accepts many back-to-back packets in one chunk', () => {
    const meter = new MqttFrameMeter(1000);
    expect(() =>
      meter.feed(Buffer.concat(Array.from({ length: 50 }, () => frame(999)))),
    ).not.toThrow();
  });

  it('rejects a remaining length longer than four bytes', () => {
    expect(() =>
      new MqttFrameMeter(1e9).feed(Buffer.from([0x30, 0xff, 0xff, 0xff, 0xff, 0x01])),
    ).toThrow(/malformed/);
  });
});
