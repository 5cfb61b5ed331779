import { encodePayload, HelloMessage, TelemetryMessage } from '../../src/protocol';
import type { TestGateway } from './gateway';

export const hello: HelloMessage = {
  board: 'nrf52840',
  vm: { kind: 'mips1', version: 'test/1' },
  firmware: 'riot-test',
  limits: { ramBytes: 262144, flashBytes: 1048576, clockHz: 64_000_000, maxChunkBytes: 1024 },
};

export function telemetry(over: Partial<TelemetryMessage> = {}): TelemetryMessage {
  return {
    uptimeMs: 1000,
    ram: { used: 12000, peak: 13000, total: 262144 },
    flash: { used: 60000, total: 1048576 },
    cpu: 0.03,
    vm: { state: 'idle', instructions: 0 },
    app: null,
    ...over,
  };
}

export const cbor = (v: object) => encodePayload(v, 'cbor');

export async function provision(
  gw: TestGateway,
  id: string,
  extra: Record<string, unknown> = {},
): Promise<string> {
  const res = await gw.api<{ token: string }>('POST', '/api/devices', {
    id,
    board: 'nrf52840',
    vm: 'mips1',
    ...extra,
  });
  if (res.status !== 201)
    throw new Error(`provisioning ${id} failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.token;
}
