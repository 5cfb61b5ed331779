/**
 * One transport's lifecycle (DESIGN.md "Shape"), as node-wot's `ProtocolServer`: the
 * gateway starts and stops each the same way and asks where it listens. What a transport
 * receives goes to the InboundRouter; what it sends comes from its DeviceLink.
 */
export interface Transport {
  /** Short and stable: `mqtt`, `coap` (metrics labels, logs). */
  readonly name: string;
  /** Binds the listeners; rejects when one cannot bind (EADDRINUSE). */
  start(): Promise<void>;
  /** Closes the listeners and the connections, and waits for queued uplinks. */
  stop(): Promise<void>;
  /** Where it listens once started (port 0 resolved to the bound one). */
  readonly address: TransportAddress;
}

export interface TransportAddress {
  host: string;
  port: number;
  protocol: 'tcp' | 'udp';
}

/** What a device is connected over, as the device view shows it (`mqtt-ws`: MQTT over WebSocket). */
export type TransportKind = 'mqtt' | 'mqtt-ws' | 'coap';

/**
 * One device connection as a transport reports it with the hello and with the loss:
 * `held` when this instance holds it (its embedded broker, its CoAP session), false behind
 * an external broker, which every instance reaches alike.
 */
export interface Connection {
  transport: TransportKind;
  held: boolean;
}
