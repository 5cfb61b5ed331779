import { deviceIdSchema, type VmKind } from '../../src/protocol';
import { ApiError, type ApiClient } from '../api-client';
import type { Device } from '../../src/protocol/api';
import { CliError } from '../errors';
import { plural } from '../format';
import type { SimCredentials } from './fleet';
import { forEachLimited } from './pool';
import type { DeviceStore } from './state';

export interface SimSpec {
  prefix: string;
  board: string;
  vm: VmKind;
  count: number;
  tags: string[];
  /**
   * Instead of refusing devices another process has online (or another state file owns),
   * skip them and take the next free ids.
   */
  newIds?: boolean;
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
/** Online from another process, or on the gateway with a token we do not hold. */
type Busy = 'online' | 'foreign';

/** How far past --count `--new-ids` looks for free ids before giving up. */
const MAX_SKIPPED = 10_000;

/** `<prefix>-<board>-<vm>-001` … ; at least three digits so ids sort in order. */
export function simDeviceIds(
  spec: Pick<SimSpec, 'prefix' | 'board' | 'vm' | 'count'>,
  first = 1,
  count = spec.count,
): string[] {
  const width = Math.max(3, String(spec.count).length);
  const ids = Array.from(
    { length: count },
    (_, i) => `${spec.prefix}-${spec.board}-${spec.vm}-${String(first + i).padStart(width, '0')}`,
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
  const counts: Record<Outcome, number> = { created: 0, reused: 0, reprovisioned: 0 };
  const chosen = new Set<string>();
  const online: string[] = [];
  options.onProgress?.(0, spec.count);
  const ensure = async (id: string): Promise<void> => {
    const outcome = await ensureDevice(client, store, spec, id);
    if (outcome === 'online') online.push(id);
    if (outcome === 'online' || outcome === 'foreign') return;
    counts[outcome] += 1;
    chosen.add(id);
    options.onProgress?.(chosen.size, spec.count);
  };
  let next = 1;
  try {
    // Without --new-ids one round: the ids 1..count. With it, the next ids for those busy.
    do {
      const ids = simDeviceIds(spec, next, spec.count - chosen.size);
      next += ids.length;
      await forEachLimited(ids, options.concurrency ?? 8, ensure, options.signal);
    } while (
      spec.newIds &&
      chosen.size < spec.count &&
      !options.signal?.aborted &&
      next <= spec.count + MAX_SKIPPED
    );
  } finally {
    await store.save();
  }
  if (!spec.newIds && online.length > 0) throw alreadyOnline(online, spec.count);
  // Devices verify signed app manifests with the gateway's key: every start hands out the
  // current one, so a gateway whose key changed does not leave the simulation refusing updates.
  const { publicKey } = await client.signingKey();
  const devices = [...chosen]
    .sort()
    .map((id) => store.get(id))
    .filter((d) => d !== undefined)
    .map((d) => ({ ...d, signingKey: publicKey }));
  return { devices, ...counts };
}

/**
 * Two processes simulating one device take its session from each other over and over
 * (the gateway logs it), so a device already online is not started a second time.
 */
function alreadyOnline(ids: readonly string[], count: number): CliError {
  const sorted = [...ids].sort();
  const named = sorted.slice(0, 3).join(', ') + (sorted.length > 3 ? ', …' : '');
  return new CliError(
    `${ids.length} of the ${plural(count, 'device')} are already online from another ` +
      `process (${named}): is another \`vmfleet sim\` running with the same --prefix? ` +
      "Two processes with the same ids keep taking each other's sessions over. Stop the " +
      'other one, pass --new-ids to simulate the next free ids instead, or pick another ' +
      '--prefix. (A killed CoAP simulation stays online until its registration lifetime ends.)',
  );
}

async function ensureDevice(
  client: ApiClient,
  store: DeviceStore,
  spec: SimSpec,
  id: string,
): Promise<Outcome | Busy> {
  const stored = store.get(id);
  if (stored) {
    const existing = await findDevice(client, id);
    if (existing?.online) return 'online';
    if (existing) {
      await addMissingTags(client, existing, spec.tags);
      return 'reused';
    }
  }
  const token = await createDevice(client, spec, id, store.path);
  if (token === null) return 'foreign';
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

/** The new device's token; null when it exists already and --new-ids says to skip it. */
async function createDevice(
  client: ApiClient,
  spec: SimSpec,
  id: string,
  statePath: string,
): Promise<string | null> {
  const tags = spec.tags.length > 0 ? spec.tags : undefined;
  try {
    const created = await client.createDevice({ id, board: spec.board, vm: spec.vm, tags });
    return created.token;
  } catch (err) {
    if (err instanceof ApiError && err.status === 409) {
      if (spec.newIds) return null;
      throw new CliError(
        `device ${id} already exists on the gateway but its token is not in ${statePath}; ` +
          `remove it with \`vmfleet devices rm ${id}\` or pick another --prefix or --state-dir`,
      );
    }
    throw err;
  }
}
