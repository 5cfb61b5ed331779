import { deviceIdSchema, type VmKind } from '../../src/protocol';
import { ApiError, type ApiClient } from '../api-client';
import type { Device } from '../api-types';
import { CliError } from '../errors';
import type { SimCredentials } from './fleet';
import { forEachLimited } from './pool';
import type { DeviceStore } from './state';

export interface SimSpec {
  prefix: string;
  board: string;
  vm: VmKind;
  count: number;
  tags: string[];
}

export interface ProvisionResult {
  devices: SimCredentials[];
  created: number;
  reused: number;
  reprovisioned: number;
}

export interface ProvisionOptions {
  concurrency?: number;
  signal?: AbortSignal;
  onProgress?: (done: number, total: number) => void;
}

type Outcome = 'created' | 'reused' | 'reprovisioned';

/** `<prefix>-<board>-<vm>-001` … ; at least three digits so ids sort in order. */
export function simDeviceIds(spec: Pick<SimSpec, 'prefix' | 'board' | 'vm' | 'count'>): string[] {
  const width = Math.max(3, String(spec.count).length);
  const ids = Array.from(
    { length: spec.count },
    (_, i) => `${spec.prefix}-${spec.board}-${spec.vm}-${String(i + 1).padStart(width, '0')}`,
  );
  const last = ids[ids.length - 1];
  if (last !== undefined && !deviceIdSchema.safeParse(last).success) {
    throw new CliError(
      `device id "${last}" is not valid (1-64 chars of A-Z a-z 0-9 _ . -); use a shorter --prefix`,
    );
  }
  return ids;
}

/**
 * Makes sure every simulated device exists on the gateway with a token we hold: reuses
 * stored credentials, re-provisions a stored device the gateway no longer knows (404) and
 * provisions the missing ones. Saves the store after every new token.
 */
export async function provisionDevices(
  client: ApiClient,
  store: DeviceStore,
  spec: SimSpec,
  options: ProvisionOptions = {},
): Promise<ProvisionResult> {
  const ids = simDeviceIds(spec);
  const counts: Record<Outcome, number> = { created: 0, reused: 0, reprovisioned: 0 };
  let done = 0;
  options.onProgress?.(0, ids.length);
  const ensure = async (id: string): Promise<void> => {
    counts[await ensureDevice(client, store, spec, id)] += 1;
    options.onProgress?.(++done, ids.length);
  };
  try {
    await forEachLimited(ids, options.concurrency ?? 8, ensure, options.signal);
  } finally {
    await store.save();
  }
  // Devices verify signed app manifests with the gateway's key: every start hands out the
  // current one, so a gateway whose key changed does not leave the simulation refusing updates.
  const { publicKey } = await client.signingKey();
  const devices = ids
    .map((id) => store.get(id))
    .filter((d) => d !== undefined)
    .map((d) => ({ ...d, signingKey: publicKey }));
  return { devices, ...counts };
}

async function ensureDevice(
  client: ApiClient,
  store: DeviceStore,
  spec: SimSpec,
  id: string,
): Promise<Outcome> {
  const stored = store.get(id);
  if (stored) {
    const existing = await findDevice(client, id);
    if (existing) {
      await addMissingTags(client, existing, spec.tags);
      return 'reused';
    }
  }
  const token = await createDevice(client, spec, id, store.path);
  store.set({ id, token, board: spec.board, vm: spec.vm });
  await store.save();
  return stored ? 'reprovisioned' : 'created';
}

async function findDevice(client: ApiClient, id: string): Promise<Device | null> {
  try {
    return await client.getDevice(id);
  } catch (err) {
    if (err instanceof ApiError && err.status === 404) return null;
    throw err;
  }
}

/** A restart with new `--tag`s tags the devices it reuses as well. */
async function addMissingTags(client: ApiClient, device: Device, tags: string[]): Promise<void> {
  const missing = tags.filter((t) => !device.tags.includes(t));
  if (missing.length > 0) await client.updateTags(device.id, { add: missing });
}

async function createDevice(
  client: ApiClient,
  spec: SimSpec,
  id: string,
  statePath: string,
): Promise<string> {
  const tags = spec.tags.length > 0 ? spec.tags : undefined;
  try {
    const created = await client.createDevice({ id, board: spec.board, vm: spec.vm, tags });
    return created.token;
  } catch (err) {
    if (err instanceof ApiError && err.status === 409) {
      throw new CliError(
        `device ${id} already exists on the gateway but its token is not in ${statePath}; ` +
          `remove it with \`vmfleet devices rm ${id}\` or pick another --prefix or --state-dir`,
      );
    }
    throw err;
  }
}
