import { Injectable } from '@nestjs/common';
import type { DeviceLink } from '../link/device-link';
import { type DownChannel, encodePayload } from '../protocol';
import { CoapSessions } from './coap-sessions';

/**
 * Downlink over CoAP: each message becomes one notification of the device's observed
 * `/v1/down`, `{channel, body}`, in the encoding the device last spoke.
 */
@Injectable()
export class CoapDeviceLink implements DeviceLink {
  private sessions?: CoapSessions;

  attach(sessions: CoapSessions): void {
    this.sessions = sessions;
  }

  send(deviceId: string, channel: DownChannel, body: object): Promise<boolean> {
    const session = this.sessions?.ofDevice(deviceId);
    const observer = session?.observer;
    if (!session || !observer) return Promise.resolve(false);
    observer.notify(encodePayload({ channel, body }, session.encoding), session.encoding);
    return Promise.resolve(true);
  }

  isConnected(deviceId: string): boolean {
    return Boolean(this.sessions?.ofDevice(deviceId)?.observer);
  }

  disconnect(deviceId: string): Promise<void> {
    const session = this.sessions?.ofDevice(deviceId);
    if (session) this.sessions?.close(session, true);
    return Promise.resolve();
  }

  get connectedCount(): number {
    return this.sessions?.size ?? 0;
  }
}
