import * as net from 'node:net';

export interface TamperProxy {
  url: string;
  /** Downlink bytes that went through changed. */
  tampered: number;
  close(): Promise<void>;
}

/**
 * A TCP man-in-the-middle on 127.0.0.1 between devices and the MQTT broker. It forwards
 * everything, but flips the last-but-nine byte of the first `count` downlink reads larger
 * than `minBytes` (an OTA chunk: its data is the last field of the CBOR map, so the flip
 * lands in the payload bytes and the MQTT framing stays intact).
 */
export async function startTamperProxy(
  brokerPort: number,
  { minBytes = 900, count = 1 } = {},
): Promise<TamperProxy> {
  const sockets = new Set<net.Socket>();
  const proxy: TamperProxy = { url: '', tampered: 0, close: async () => undefined };
  const server = net.createServer((device) => {
    const broker = net.connect(brokerPort, '127.0.0.1');
    for (const s of [device, broker]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => undefined);
    }
    device.pipe(broker);
    broker.on('data', (data: Buffer) => {
      if (data.length > minBytes && proxy.tampered < count) {
        data[data.length - 10] ^= 0x5a;
        proxy.tampered += 1;
      }
      device.write(data);
    });
    device.on('close', () => broker.destroy());
    broker.on('close', () => device.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  proxy.url = `mqtt://127.0.0.1:${port}`;
  proxy.close = async () => {
    for (const s of sockets) s.destroy();
    await new Promise((resolve) => server.close(resolve));
  };
  return proxy;
}
