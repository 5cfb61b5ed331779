import { Injectable } from '@nestjs/common';

/** What changed about a device's login: a new token, no login at all, or no device. */
export type CredentialChange =
  | { kind: 'token'; deviceId: string; token: string }
  | { kind: 'revoked'; deviceId: string }
  | { kind: 'deleted'; deviceId: string };

export type CredentialListener = (change: CredentialChange) => Promise<void>;

/**
 * Where a device's credentials are kept besides the database (an external broker's
 * dynamic security) listens here. DevicesService awaits every listener, so a device's new
 * token works at the broker by the time the API hands it out; a listener that fails fails
 * the request with its own error.
 */
@Injectable()
export class CredentialHooks {
  private readonly listeners: CredentialListener[] = [];

  listen(listener: CredentialListener): void {
    this.listeners.push(listener);
  }

  async changed(change: CredentialChange): Promise<void> {
    for (const listener of this.listeners) await listener(change);
  }
}
