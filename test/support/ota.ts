import * as fs from 'node:fs';
import * as path from 'node:path';
import { VirtualDevice, type VirtualDeviceOptions } from '../../devices';
import type { VmKind } from '../../src/protocol';
import { type TestGateway, waitFor } from './gateway';

/** What the helpers use of a gateway: the in-process one or a GatewayProcess. */
export type GatewayHandle = Pick<TestGateway, 'api' | 'httpUrl' | 'apiToken' | 'mqttUrl'>;

export const FAST_BACKOFF = { initialMs: 50, maxMs: 400, jitter: 0.5 };

export function firmwareImage(name: string, vm = 'mips1', ext = 'm1'): Uint8Array {
  const firmware = path.join(__dirname, '..', '..', 'firmware');
  const built = path.join(firmware, 'build', vm, `${name}.${ext}`);
  // Script apps (lua, python, js) are their source: firmware/<language>/apps/<name>.<ext>.
  const file = fs.existsSync(built) ? built : path.join(firmware, vm, 'apps', `${name}.${ext}`);
  return new Uint8Array(fs.readFileSync(file));
}

/** Publishes an app through the REST multipart upload; fails the test unless it is accepted. */
export async function publishApp(
  gw: GatewayHandle,
  name: string,
  version: string,
  payload: Uint8Array,
  vm: VmKind = 'mips1',
): Promise<Record<string, unknown>> {
  const form = new FormData();
  form.append('name', name);
  form.append('version', version);
  form.append('vm', vm);
  form.append('file', new Blob([Buffer.from(payload)]), `${name}.bin`);
  const res = await fetch(`${gw.httpUrl}/api/apps`, {
    method: 'POST',
    headers: { authorization: `Bearer ${gw.apiToken}` },
    body: form,
  });
  const body = (await res.json()) as Record<string, unknown>;
  if (res.status !== 201) throw new Error(`publishing ${name}@${version}: ${JSON.stringify(body)}`);
  return body;
}

export interface DeviceSpec {
  prefix: string;
  count: number;
  board?: string;
  vm?: VmKind;
  tags?: string[];
  options?: Partial<VirtualDeviceOptions>;
  /** Leave the gateway key out of the credentials (a device that cannot verify). */
  withoutKey?: boolean;
}

/** Provisions devices on the gateway and starts them as virtual devices with the gateway key. */
export async function startDevices(gw: GatewayHandle, spec: DeviceSpec): Promise<VirtualDevice[]> {
  const board = spec.board ?? 'nrf52840';
  const vm = spec.vm ?? 'mips1';
  const devices: VirtualDevice[] = [];
  for (let i = 1; i <= spec.count; i++) {
    const id = `${spec.prefix}-${String(i).padStart(2, '0')}`;
    const res = await gw.api('POST', '/api/devices', { id, board, vm, tags: spec.tags ?? [] });
    if (res.status !== 201) throw new Error(`provisioning ${id}: ${JSON.stringify(res.body)}`);
    const signingKey = spec.withoutKey ? undefined : (res.body.signingKey.publicKey as string);
    devices.push(
      new VirtualDevice({
        credentials: { id, token: res.body.token, board, vm, signingKey },
        mqttUrl: gw.mqttUrl,
        telemetryIntervalMs: 60_000,
        backoff: FAST_BACKOFF,
        ...spec.options,
      }),
    );
  }
  await Promise.all(devices.map((d) => d.start()));
  return devices;
}

export interface DeploymentView {
  id: number;
  status: string;
  reason: string | null;
  currentWave: number;
  waveCount: number;
  counts: Record<string, number>;
  targets: {
    deviceId: string;
    wave: number;
    state: string;
    code: string | null;
    reason: string | null;
    bytesSent: number;
    history: { state: string }[];
  }[];
}

export async function deploy(gw: GatewayHandle, body: Record<string, unknown>): Promise<number> {
  const res = await gw.api('POST', '/api/deployments', body);
  if (res.status !== 201) throw new Error(`deploying: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.id as number;
}

export async function deployment(gw: GatewayHandle, id: number): Promise<DeploymentView> {
  const res = await gw.api<DeploymentView>('GET', `/api/deployments/${id}`);
  if (res.status !== 200) throw new Error(`deployment ${id}: ${res.status}`);
  return res.body;
}

/** Waits until `done` holds for the deployment; the failure message shows where it stood. */
export async function waitForDeployment(
  gw: GatewayHandle,
  id: number,
  what: string,
  done: (d: DeploymentView) => boolean,
  timeoutMs = 20_000,
): Promise<DeploymentView> {
  let last: DeploymentView | undefined;
  try {
    return await waitFor(
      what,
      async () => {
        last = await deployment(gw, id);
        return done(last) ? last : null;
      },
      timeoutMs,
    );
  } catch (err) {
    const where = last ? `${last.status} ${JSON.stringify(last.counts)}` : 'never read';
    throw new Error(`${(err as Error).message}; deployment ${id} was ${where}`);
  }
}
