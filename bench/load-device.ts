import * as mqttPacket from 'mqtt-packet';
import * as net from 'node:net';
import {
  commandSchema,
  decodePayload,
  DOWN_CHANNELS,
  encodePayload,
  parseTopic,
  topicFor,
  type Command,
  type HelloMessage,
  type ReplyMessage,
  type TelemetryMessage,
} from '../src/protocol';

/**
 * One device of bench:load: a bare MQTT 3.1.1 client (mqtt-packet over a net.Socket)
 * speaking protocol v1 with the device's own token: the birth sequence of
 * devices/link/mqtt-link.ts (retained online status with an offline will, the downlink
 * subscriptions, hello), telemetry at a fixed period, and one reply per Thing Monitor
 * command (`status` and `registers` answered for real, any other op refused with a code).
 * No VM engine runs: 10,000 engines would measure the simulator, not the gateway.
 */
export interface SimDeviceOptions {
  id: string;
  token?: string;
  host: string;
  port: number;
  keepaliveSeconds: number;
}

const HELLO: HelloMessage = {
  board: 'nrf52840',
  vm: { kind: 'mips1', version: '1.0.0' },
  firmware: 'bench-load',
  limits: { ramBytes: 262144, flashBytes: 1048576, clockHz: 64_000_000, maxChunkBytes: 1024 },
};

export class SimDevice {
  private socket?: net.Socket;
  private nextPacketId = 1;
  /** Packet id → what to do when its PUBACK/SUBACK arrives. */
  private readonly acks = new Map<number, () => void>();
  private samples = 0;
  private lastSentAt = 0;
  ready = false;
  replies = 0;
  /** Set once the connection closed after the birth sequence (the bench counts drops). */
  dropped = false;

  constructor(private readonly o: SimDeviceOptions) {}

  /** Connects and runs the birth sequence; resolves once hello is acknowledged. */
  start(): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const socket = net.connect({ host: this.o.host, port: this.o.port });
      this.socket = socket;
      socket.setNoDelay(true);
      const parser = mqttPacket.parser({ protocolVersion: 4 });
      parser.on('packet', (packet) => this.onPacket(packet, resolve, reject));
      parser.on('error', (err: Error) => socket.destroy(err));
      socket.on('data', (chunk) => parser.parse(chunk));
      socket.on('error', (err) => reject(new Error(`${this.o.id}: ${err.message}`)));
      socket.on('close', () => {
        if (this.ready) this.dropped = true;
        this.ready = false;
        reject(new Error(`${this.o.id}: connection closed during the birth sequence`));
      });
      socket.on('connect', () => this.write(this.connectPacket()));
    });
  }

  /** One telemetry sample, QoS 0 (as VirtualDevice sends them); false while not connected. */
  sendTelemetry(): boolean {
    if (!this.ready) return false;
    const i = this.samples++;
    const sample: TelemetryMessage = {
      uptimeMs: i * 1000,
      ram: { used: 12000 + (i % 50), peak: 12100, total: 262144 },
      flash: { used: 60000, total: 1048576 },
      cpu: 0.03,
      vm: { state: 'running', instructions: i * 1000 },
      app: null,
    };
    this.publish('telemetry', sample, 0, false);
    return true;
  }

  /** A PINGREQ when nothing was sent for most of the keepalive ([MQTT-3.1.2-23]). */
  keepAlive(now: number): void {
    if (this.ready && now - this.lastSentAt > this.o.keepaliveSeconds * 750) {
      this.write({ cmd: 'pingreq' });
    }
  }

  /** DISCONNECT and close; the will is not published ([MQTT-3.14.4-3]). */
  stop(): void {
    this.ready = false;
    if (!this.socket || this.socket.destroyed) return;
    this.socket.end(mqttPacket.generate({ cmd: 'disconnect' }));
  }

  private connectPacket(): mqttPacket.IConnectPacket {
    return {
      cmd: 'connect',
      protocolId: 'MQTT',
      protocolVersion: 4,
      clean: true,
      clientId: this.o.id,
      username: this.o.id,
      password: this.o.token === undefined ? undefined : Buffer.from(this.o.token),
      keepalive: this.o.keepaliveSeconds,
      will: {
        topic: topicFor(this.o.id, 'status'),
        payload: encodePayload({ state: 'offline' }, 'cbor'),
        qos: 1,
        retain: true,
      },
    };
  }

  private onPacket(
    packet: mqttPacket.Packet,
    resolve: () => void,
    reject: (err: Error) => void,
  ): void {
    switch (packet.cmd) {
      case 'connack':
        if (packet.returnCode !== 0) {
          reject(new Error(`${this.o.id}: CONNACK ${packet.returnCode}`));
          this.socket?.destroy();
          return;
        }
        return this.birth(resolve);
      case 'puback':
      case 'suback':
        return this.acked(packet.messageId);
      case 'publish':
        return this.onPublish(packet);
      default:
        return;
    }
  }

  private acked(messageId: number | undefined): void {
    if (messageId === undefined) return;
    const then = this.acks.get(messageId);
    this.acks.delete(messageId);
    then?.();
  }

  /** Online status (retained), subscriptions, then hello: each waits for its ack. */
  private birth(resolve: () => void): void {
    this.publish('status', { state: 'online' }, 1, true, () => {
      const messageId = this.packetId();
      this.acks.set(messageId, () =>
        this.publish('hello', HELLO, 1, false, () => {
          this.ready = true;
          resolve();
        }),
      );
      const subscriptions = DOWN_CHANNELS.map((c) => ({ topic: topicFor(this.o.id, c), qos: 1 }));
      this.write({
        cmd: 'subscribe',
        messageId,
        subscriptions: subscriptions as mqttPacket.ISubscription[],
      });
    });
  }

  private onPublish(packet: mqttPacket.IPublishPacket): void {
    if (packet.qos === 1) this.write({ cmd: 'puback', messageId: packet.messageId });
    if (parseTopic(packet.topic)?.channel !== 'cmd') return;
    const payload = packet.payload as Buffer;
    let command: Command;
    try {
      const parsed = commandSchema.safeParse(decodePayload(payload).value);
      if (!parsed.success) return;
      command = parsed.data;
    } catch {
      return; // not a command this device can read; a real one would log it
    }
    this.replies++;
    this.publish('reply', answer(command, this.samples), 1, false);
  }

  private publish(
    channel: 'status' | 'hello' | 'telemetry' | 'reply',
    body: object,
    qos: 0 | 1,
    retain: boolean,
    onAck?: () => void,
  ): void {
    const messageId = qos === 1 ? this.packetId() : undefined;
    if (messageId !== undefined && onAck) this.acks.set(messageId, onAck);
    this.write({
      cmd: 'publish',
      topic: topicFor(this.o.id, channel),
      payload: encodePayload(body, 'cbor'),
      qos,
      retain,
      dup: false,
      messageId,
    });
  }

  private packetId(): number {
    const id = this.nextPacketId;
    this.nextPacketId = id === 0xffff ? 1 : id + 1;
    return id;
  }

  private write(packet: mqttPacket.Packet): void {
    if (!this.socket || this.socket.destroyed) return;
    this.lastSentAt = Date.now();
    this.socket.write(mqttPacket.generate(packet));
  }
}

/** The device's reply: a real `status` / `registers` result, any other op refused. */
function answer(command: Command, samples: number): ReplyMessage {
  const instructions = samples * 1000;
  switch (command.op) {
    case 'status':
      return {
        id: command.id,
        ok: true,
        result: {
          state: 'running',
          vm: 'mips1',
          app: null,
          phase: 'main',
          pc: 0x400,
          instructions,
          pendingEvents: 0,
          guestMemoryBytes: 16384,
          peakGuestBytes: 12100,
          lastEnd: null,
        },
      };
    case 'registers':
      return {
        id: command.id,
        ok: true,
        result: { pc: 0x400, instructions, registers: { sp: 0x3ff0, ra: 0, v0: samples } },
      };
    default:
      return {
        id: command.id,
        ok: false,
        error: { code: 'unsupported', message: `bench:load devices answer status and registers` },
      };
  }
}
