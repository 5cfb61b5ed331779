import type { Provider } from '@nestjs/common';

/**
 * What transports need from the domain, as ports (Leshan hands each endpoint an uplink
 * receiver and a security port only). Abstract classes so they serve as Nest DI tokens; the
 * devices and deployments modules provide them with `useExisting`, so a transport imports
 * no domain service.
 */

/** Checks a device's credentials (MQTT CONNECT, CoAP registration). */
export abstract class DeviceAuthenticator {
  /** True for a known, unrevoked device whose token (or previous token, in grace) matches. */
  abstract authenticate(deviceId: string, token: string): Promise<boolean>;
}

export interface RosterEntry {
  id: string;
  /** A revoked device keeps its row but may not log in. */
  revoked: boolean;
}

/** Every provisioned device, for a credential store outside the database to resync from. */
export abstract class DeviceRoster {
  abstract roster(): Promise<RosterEntry[]>;
}

export type LoginDecision =
  { allow: true } | { allow: false; retryAfterMs: number; by: 'address' | 'device' };

/** Wrong-login throttling shared by every transport (docs/protocol.md "Login throttling"). */
export abstract class LoginAttempts {
  /** May a login of this device from this address be checked now? */
  abstract check(deviceId: string, address: string): LoginDecision;
  abstract failed(deviceId: string, address: string): void;
  abstract succeeded(deviceId: string, address: string): void;
}

/** The bytes a deployment sends a device, and where to count what was sent. */
export interface PayloadTransfer {
  payload: Uint8Array;
  sent(bytes: number): void;
}

/** The app payload of a deployment for a device (CoAP Block2, docs/protocol.md §11.1). */
export abstract class PayloadSource {
  /** Null when the deployment is not sending this device anything (or cannot). */
  abstract transferPayload(deploymentId: number, deviceId: string): Promise<PayloadTransfer | null>;
}

type Token<T> = abstract new (...args: never[]) => T;

/** `{provide: port, useExisting: impl}`, checked: `impl` must implement the port. */
export function providePort<T>(port: Token<T>, impl: new (...args: never[]) => T): Provider {
  return { provide: port, useExisting: impl };
}
