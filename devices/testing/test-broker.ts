import { once } from 'node:events';
import net from 'node:net';
import { connectAsync } from 'mqtt';
import { Aedes, AedesPublishPacket, AuthenticateError, Client } from 'aedes';

/**
 * An in-process aedes broker on 127.0.0.1 with an OS-assigned port, for device tests.
 * It accepts a device only with the token in `tokens`, and records every publish.
 */
export class TestBroker {
  readonly published: AedesPublishPacket[] = [];
  /** device id -> accepted token; change it to refuse or admit a device mid-test. */
  readonly tokens = new Map<string, string>();
  /** When true, every CONNECT is refused with "server unavailable" (return code 3). */
  unavailable = false;
  /** TCP connections accepted so far; a device opens one per connect attempt. */
  connectionsAccepted = 0;
  /** Called on every accepted TCP connection, before MQTT CONNECT is read. */
  onConnection: (() => void) | null = null;
  private readonly sockets = new Set<net.Socket>();
  private publishWaiters: Array<() => void> = [];
  private observers = 0;

  private constructor(
    readonly broker: Aedes,
    private readonly server: net.Server,
  ) {}

  static async start(): Promise<TestBroker> {
    const broker = await Aedes.createBroker();
    const server = net.createServer((socket) => broker.handle(socket));
    const testBroker = new TestBroker(broker, server);
    testBroker.wire();
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    return testBroker;
  }

  get url(): string {
    const { port } = this.server.address() as net.AddressInfo;
    return `mqtt://127.0.0.1:${port}`;
  }

  /** Drops every client connection without DISCONNECT, as a crashed gateway would. */
  dropConnections(): void {
    for (const socket of this.sockets) socket.destroy();
  }

  /** Resolves with the first publish (past or future) that matches. */
  async waitForPublish(
    match: (packet: AedesPublishPacket) => boolean,
  ): Promise<AedesPublishPacket> {
    for (;;) {
      const found = this.published.find(match);
      if (found) return found;
      await new Promise<void>((resolve) => this.publishWaiters.push(resolve));
    }
  }

  /**
   * The retained message on a topic, as a new subscriber receives it ([MQTT-3.3.1-6]),
   * or null if none arrives within `waitMs`.
   */
  async retained(topic: string, waitMs = 2_000): Promise<Buffer | null> {
    const observerId = `observer-${++this.observers}`;
    this.tokens.set(observerId, 'observer');
    const observer = await connectAsync(this.url, {
      clientId: observerId,
      username: observerId,
      password: 'observer',
      reconnectPeriod: 0,
    });
    try {
      const received = new Promise<Buffer | null>((resolve) => {
        const timer = setTimeout(() => resolve(null), waitMs);
        observer.on('message', (_topic, payload, packet) => {
          clearTimeout(timer);
          resolve(packet.retain ? payload : null);
        });
      });
      await observer.subscribeAsync(topic, { qos: 1 });
      return await received;
    } finally {
      await observer.endAsync();
    }
  }

  async close(): Promise<void> {
    this.dropConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    await new Promise<void>((resolve) => this.broker.close(() => resolve()));
  }

  private wire(): void {
    this.server.on('connection', (socket) => {
      this.sockets.add(socket);
      this.connectionsAccepted++;
      this.onConnection?.();
      socket.on('close', () => this.sockets.delete(socket));
    });
    this.broker.authenticate = (client, username, password, done) =>
      this.authenticate(client, username, password, done);
    this.broker.on('publish', (packet, client) => {
      if (!client) return; // the broker's own $SYS heartbeats
      this.published.push(packet);
      const waiters = this.publishWaiters;
      this.publishWaiters = [];
      for (const wake of waiters) wake();
    });
  }

  private authenticate(
    client: Client,
    username: string | undefined,
    password: Buffer | undefined,
    done: (error: AuthenticateError | null, success: boolean | null) => void,
  ): void {
    if (this.unavailable) {
      const error = new Error('server unavailable') as AuthenticateError;
      error.returnCode = 3; // MQTT 3.1.1 §3.2.2.3: server unavailable, worth retrying
      done(error, null);
      return;
    }
    const expected = this.tokens.get(client.id);
    if (username === client.id && expected !== undefined && password?.toString() === expected) {
      done(null, true);
      return;
    }
    const error = new Error('bad username or password') as AuthenticateError;
    error.returnCode = 4; // MQTT 3.1.1 §3.2.2.3: bad user name or password
    done(error, null);
  }
}
