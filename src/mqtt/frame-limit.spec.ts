import * as net from 'node:net';
import { limitPacketSize, MqttFrameMeter, PacketTooLargeError } from './frame-limit';

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

describe('limitPacketSize on a real socket', () => {
  let server: net.Server;

  afterEach(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  /** A server whose connection is metered; what it read and whether it refused. */
  async function meteredServer(limit: number) {
    const read: Buffer[] = [];
    const violations: Error[] = [];
    const closed = new Promise<void>((resolve) => {
      server = net.createServer((socket) => {
        const conn = limitPacketSize(socket, limit, (err) => violations.push(err));
        conn.on('readable', () => {
          for (let chunk; (chunk = conn.read() as Buffer | null) !== null;) read.push(chunk);
        });
        conn.on('close', () => resolve());
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const client = net.connect((server.address() as net.AddressInfo).port, '127.0.0.1');
    client.on('error', () => undefined); // the server's reset, after a refusal
    return { client, read, violations, closed };
  }

  it('passes packets within the limit through unchanged, in order', async () => {
    const { client, read, violations, closed } = await meteredServer(1024);
    const sent = Buffer.concat([frame(10), frame(1000), frame(0)]);
    client.end(sent);
    await closed;
    expect(Buffer.concat(read).equals(sent)).toBe(true);
    expect(violations).toEqual([]);
  });

  it('refuses a packet over the limit: nothing of its chunk is read, the connection closes', async () => {
    const { client, read, violations, closed } = await meteredServer(1024);
    client.write(frame(10));
    await new Promise((r) => setTimeout(r, 100)); // the small packet arrives on its own
    client.write(frame(5000));
    await closed;
    expect(Buffer.concat(read).equals(frame(10))).toBe(true);
    expect(violations).toHaveLength(1);
    expect(violations[0]).toBeInstanceOf(PacketTooLargeError);
  });
});
