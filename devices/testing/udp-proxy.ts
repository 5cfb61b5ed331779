import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { once } from 'node:events';
import { parse, type ParsedPacket } from 'coap-packet';

/**
 * A UDP relay on 127.0.0.1 between CoAP devices and a gateway, for loss and
 * duplication tests: `upstream` may drop a device's datagram, `downstream` decides how
 * many copies of a gateway datagram the device gets. One relay socket per device, so
 * the gateway tells devices apart by port as it would without the relay.
 */
export class UdpProxy {
  /** false drops the datagram (device → gateway). */
  upstream: (packet: ParsedPacket) => boolean = () => true;
  /** Copies delivered of a datagram gateway → device: 0 drops it, 2 duplicates it. */
  downstream: (packet: ParsedPacket, datagram: Buffer) => number = () => 1;
  private readonly relays = new Map<string, Promise<Socket>>();
  private lastDevice: RemoteInfo | null = null;

  private constructor(
    private readonly front: Socket,
    private readonly gatewayPort: number,
  ) {}

  static async start(gatewayPort: number): Promise<UdpProxy> {
    const front = createSocket('udp4');
    front.bind(0, '127.0.0.1');
    await once(front, 'listening');
    const proxy = new UdpProxy(front, gatewayPort);
    front.on('message', (datagram, from) => void proxy.forward(datagram, from));
    return proxy;
  }

  get url(): string {
    return `coap://127.0.0.1:${this.front.address().port}`;
  }

  /** Delivers a datagram to the device heard from last, e.g. one held back earlier. */
  deliver(datagram: Buffer): void {
    if (this.lastDevice) this.front.send(datagram, this.lastDevice.port, this.lastDevice.address);
  }

  async close(): Promise<void> {
    const sockets = [this.front, ...(await Promise.all(this.relays.values()))];
    this.relays.clear();
    await Promise.all(sockets.map((socket) => new Promise<void>((done) => socket.close(done))));
  }

  private async forward(datagram: Buffer, device: RemoteInfo): Promise<void> {
    this.lastDevice = device;
    if (!this.upstream(parse(datagram))) return;
    const relay = await this.relayFor(device);
    relay.send(datagram, this.gatewayPort, '127.0.0.1');
  }

  private relayFor(device: RemoteInfo): Promise<Socket> {
    const key = `${device.address}:${device.port}`;
    let relay = this.relays.get(key);
    if (!relay) {
      relay = this.openRelay(device);
      this.relays.set(key, relay);
    }
    return relay;
  }

  private async openRelay(device: RemoteInfo): Promise<Socket> {
    const relay = createSocket('udp4');
    relay.on('message', (datagram) => {
      const copies = this.downstream(parse(datagram), datagram);
      for (let i = 0; i < copies; i++) this.front.send(datagram, device.port, device.address);
    });
    relay.bind(0, '127.0.0.1');
    await once(relay, 'listening');
    return relay;
  }
}
