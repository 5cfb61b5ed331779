import type { EventEmitter } from 'node:events';
import type { UpChannel } from '../../src/protocol';
import type { DownlinkMessage } from './downlink';

export interface ReconnectPlan {
  /** 1 for the first retry since the last successful connect. */
  attempt: number;
  delayMs: number;
  cause: string | null;
}

export interface TransportEvents {
  /** Connected and announced (hello sent), downlink flowing. */
  connect: [{ reconnect: boolean }];
  disconnect: [{ cause: string | null }];
  reconnecting: [ReconnectPlan];
  downlink: [DownlinkMessage];
}

/**
 * What a virtual device needs from its link to the gateway, whatever the transport
 * (MqttLink, CoapLink): the device never learns which one it talks through.
 */
export interface DeviceTransport extends Pick<
  EventEmitter<TransportEvents>,
  'on' | 'once' | 'off'
> {
  readonly connected: boolean;
  /** Resolves on the first successful connect; rejects on an auth refusal before it. */
  start(): Promise<void>;
  /** Leaves cleanly (the gateway marks the device offline at once) and closes the link. */
  stop(): Promise<void>;
  /** QoS 1 is confirmed by the gateway; QoS 0 may be lost. Rejects when not connected. */
  publish(channel: UpChannel, body: object, qos: 0 | 1): Promise<void>;
  /** Bytes read and written on the link's sockets so far, over every connection. */
  wireBytes(): { read: number; written: number };
  /** Simulates a network loss: the link comes back by itself, with backoff. */
  dropConnection(): void;
}
