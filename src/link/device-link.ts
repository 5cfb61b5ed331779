import type { DownChannel, Encoding } from '../protocol';

/**
 * The one way down to a device, whatever transport it is connected on. Domain services
 * depend on this interface only.
 */
export interface DeviceLink {
  /** Sends a message; false when the device is not connected. */
  send(deviceId: string, channel: DownChannel, body: object): Promise<boolean>;
  isConnected(deviceId: string): boolean;
  /** Closes the device's connection, if any (e.g. after its registration was deleted). */
  disconnect(deviceId: string): Promise<void>;
}

export const DEVICE_LINK = Symbol('vmfleet.device-link');

/** Remembers what each device last spoke so answers come back in kind (DESIGN.md: CBOR or JSON). */
export class EncodingMemory {
  private readonly byDevice = new Map<string, Encoding>();

  remember(deviceId: string, encoding: Encoding): void {
    if (this.byDevice.get(deviceId) !== encoding) this.byDevice.set(deviceId, encoding);
  }

  of(deviceId: string): Encoding {
    return this.byDevice.get(deviceId) ?? 'cbor';
  }

  forget(deviceId: string): void {
    this.byDevice.delete(deviceId);
  }
}
