import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { boardSchema, deviceIdSchema, vmKindSchema } from '../../src/protocol';
import { CliError } from '../errors';
import type { SimCredentials } from './fleet';

const storedDeviceSchema = z.object({
  id: deviceIdSchema,
  token: z.string().min(1),
  board: boardSchema,
  vm: vmKindSchema,
});

const stateFileSchema = z.object({
  version: z.literal(1),
  devices: z.array(storedDeviceSchema),
});

export const STATE_FILE_NAME = 'devices.json';

/**
 * The credentials `vmfleet sim` provisioned, in `<state-dir>/devices.json` (mode 0600: it
 * holds device tokens the gateway shows only once). Saves are serialised and coalesced, so
 * provisioning can save after every device without writes overtaking each other.
 */
export class DeviceStore {
  private readonly devices = new Map<string, SimCredentials>();
  private chain: Promise<void> = Promise.resolve();
  private queued = false;

  private constructor(readonly path: string) {}

  static async open(dir: string, cwd: string): Promise<DeviceStore> {
    const store = new DeviceStore(join(resolve(cwd, dir), STATE_FILE_NAME));
    for (const device of await readState(store.path)) store.devices.set(device.id, device);
    return store;
  }

  get size(): number {
    return this.devices.size;
  }

  get(id: string): SimCredentials | undefined {
    return this.devices.get(id);
  }

  set(device: SimCredentials): void {
    this.devices.set(device.id, device);
  }

  save(): Promise<void> {
    if (!this.queued) {
      this.queued = true;
      this.chain = this.chain.then(() => {
        this.queued = false;
        return this.write();
      });
    }
    return this.chain;
  }

  private async write(): Promise<void> {
    const body = { version: 1, devices: [...this.devices.values()] };
    const dir = resolve(this.path, '..');
    await mkdir(dir, { recursive: true, mode: 0o700 });
    // Write then rename: a crash mid-write never leaves a truncated file behind.
    const tmp = `${this.path}.${process.pid}.tmp`;
    await writeFile(tmp, `${JSON.stringify(body, null, 2)}\n`, { mode: 0o600 });
    await rename(tmp, this.path);
  }
}

async function readState(path: string): Promise<SimCredentials[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new CliError(`${path} is not valid JSON; fix or delete it (its devices get new tokens)`);
  }
  const parsed = stateFileSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new CliError(
      `${path} is not a vmfleet sim state file (${issue?.path.join('.')}: ${issue?.message}); fix or delete it`,
    );
  }
  return parsed.data.devices;
}
