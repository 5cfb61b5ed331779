import type { TestGateway } from './gateway';
import type { RiotDevice } from './riot-device';
import { BRIDGE_ADDRESS, COAP_PORT, type RiotNetwork } from './riot-native';

/** A RIOT native64 device registered with the gateway and provisioned over its shell. */
export interface RiotFleetDevice {
  id: string;
  vm: string;
  /** Hex Ed25519 key the device verifies manifests with. */
  key: string;
  device: RiotDevice;
}

export interface RiotFleetSpec {
  vm: string;
  elf: string;
  /** Its IPv6 address in the network's /64, e.g. fd00:dead:beef::2. */
  address: string;
  id?: string;
  tags?: string[];
}

/**
 * Registers each device with the gateway (POST /api/devices), starts its firmware on the
 * next tap of `net` and provisions it the way a user does on a serial console: address,
 * id, token, gateway, manifest key, telemetry period; then starts the agent. Tap n goes to
 * specs[n], so call it once per network.
 */
export async function startRiotFleet(
  gw: TestGateway,
  net: RiotNetwork,
  specs: readonly RiotFleetSpec[],
  telemetryMs = 1000,
): Promise<RiotFleetDevice[]> {
  const fleet: RiotFleetDevice[] = [];
  for (const [n, spec] of specs.entries()) {
    const id = spec.id ?? `riot-${spec.vm}`;
    const res = await gw.api('POST', '/api/devices', {
      id,
      board: 'native64',
      vm: spec.vm,
      tags: spec.tags ?? ['riot', `riot-${spec.vm}`],
    });
    if (res.status !== 201) {
      throw new Error(`POST /api/devices ${id}: ${res.status} ${JSON.stringify(res.body)}`);
    }
    const key = Buffer.from(res.body.signingKey.publicKey as string, 'base64').toString('hex');
    const device = net.startDevice({ elf: spec.elf, tap: net.tap(n) });
    await device.waitForLine(/vmfleet device, VM/, 15_000);
    await device.shell(`vmfleet addr ${spec.address}/64`, /vmfleet: address/);
    await device.shell(`vmfleet id ${id}`, /id set/);
    await device.shell(`vmfleet token ${res.body.token as string}`, /token set/);
    await device.shell(`vmfleet gw [${BRIDGE_ADDRESS}]:${COAP_PORT}`, /gw set/);
    await device.shell(`vmfleet key ${key}`, /key set/);
    await device.shell(`vmfleet telemetry ${telemetryMs}`, /telemetry set/);
    await device.shell('vmfleet start', /agent started/);
    fleet.push({ id, vm: spec.vm, key, device });
  }
  return fleet;
}

/**
 * REST calls that throw on an error status (with the body), and Thing Monitor commands, on
 * the gateway `current()` returns (a test may restart it).
 */
export function strictApi(current: () => TestGateway, monitorTimeoutMs: number) {
  // The bodies are what the REST API answers: untyped JSON, as the tests read it.
  const api = async (method: string, url: string, body?: unknown): Promise<any> => {
    const res = await current().api(method, url, body);
    if (res.status >= 300)
      throw new Error(`${method} ${url}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  };
  const monitor = (id: string, op: string, args?: object) =>
    api('POST', `/api/devices/${id}/monitor`, {
      op,
      ...(args ? { args } : {}),
      timeoutMs: monitorTimeoutMs,
    });
  return { api, monitor };
}
