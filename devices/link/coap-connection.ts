import type { Random } from '../prng';
import type { CoapEndpointAddress } from './coap-codec';
import { CoapEndpoint, type CoapTimings } from './coap-endpoint';
import { CoapObservation } from './coap-observation';
import { CoapSession, SESSION_REFRESH_AT, type SessionDevice } from './coap-session';
import type { DownlinkResult } from './downlink';

/** One socket and what lives on it: the registration and the observation of /v1/down. */
export interface CoapConnection {
  endpoint: CoapEndpoint;
  session: CoapSession;
  observation: CoapObservation;
}

export interface ConnectionSettings {
  address: CoapEndpointAddress;
  timings: CoapTimings;
  random: Random;
  device: SessionDevice;
  observeCheckMs?: number;
  onDownlink: (result: DownlinkResult) => void;
  /** The observation of this connection may be gone. */
  onStale: (connection: CoapConnection, reason: string) => void;
  log: (line: string) => void;
}

/** A connection on a fresh socket, not yet bound or registered. */
export function createConnection(settings: ConnectionSettings): CoapConnection {
  const { address, timings, random, device, log } = settings;
  const endpoint = new CoapEndpoint(address, timings, random, log);
  const session = new CoapSession(endpoint, device);
  const observation: CoapObservation = new CoapObservation(endpoint, {
    encoding: device.encoding,
    random,
    checkMs: settings.observeCheckMs,
    defaultCheckMs: () => session.lifetimeMs * SESSION_REFRESH_AT,
    onDownlink: settings.onDownlink,
    onStale: (reason) => settings.onStale(connection, reason),
    log,
  });
  const connection = { endpoint, session, observation };
  return connection;
}

/** Registers, then observes with the new session: registering ends the old observation. */
export async function attach({ session, observation }: CoapConnection): Promise<void> {
  await session.register();
  await observation.register(session.query());
}

/**
 * Cancels the observation and deregisters, best effort: the gateway may be gone, so
 * neither answer is waited for longer than `timeoutMs`.
 */
export async function leave(
  { session, observation }: CoapConnection,
  timeoutMs: number,
): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)));
  const leaving = Promise.allSettled([observation.cancel(), session.deregister()]);
  await Promise.race([leaving, timeout]);
  clearTimeout(timer);
}

/** Fails whatever is still open on the connection and closes its socket. */
export function closeConnection({ endpoint, observation }: CoapConnection): void {
  observation.close();
  endpoint.close();
}
