import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vm from 'node:vm';
import { RiotDevice, RiotDeviceOptions } from './riot-device';
import { CoapRelay, startCoapRelay } from './riot-relay';
import { requireThat, requireTool } from './system-tools';

/**
 * RIOT native64 devices on tap interfaces in a network namespace, bridged like RIOT's
 * tapsetup, with a CoAP relay to a gateway on host loopback (riot-relay.ts). As root only.
 *
 *   const net = createRiotNetwork();
 *   const relay = await net.startRelay({ host: '127.0.0.1', port: gw.coapPort });
 *   const dev = net.startDevice({ elf, tap: net.tap(0) });
 *   await assignAddress(dev, 'fd00:dead:beef::2/64');
 *   ...
 *   await net.close();
 */
export { RiotDevice, RiotDeviceOptions, groupMembers } from './riot-device';
export { CoapRelay, RelayStats } from './riot-relay';

export const REPO_ROOT = path.resolve(__dirname, '../..');
/** The bridge's address in every namespace; the relay listens on it, port 5683. */
export const BRIDGE_ADDRESS = 'fd00:dead:beef::1';
export const COAP_PORT = 5683;
const NETNS_PREFIX = 'vmfleet-';

// ---- the kit -----------------------------------------------------------------------------------

export interface RiotKit {
  riotbase: string;
  /** Environment for make: RIOTBASE and the kit's git redirections (env.sh). */
  env: NodeJS.ProcessEnv;
}

let kit: RiotKit | null | undefined;

/** RIOTBASE from the environment, else the kit installed at .riot (its env.sh); null if none. */
export function riotKit(): RiotKit | null {
  if (kit !== undefined) return kit;
  kit = null;
  const fromEnv = process.env.RIOTBASE;
  const envSh = path.join(REPO_ROOT, '.riot', 'env.sh');
  if (fromEnv) {
    if (fs.existsSync(path.join(fromEnv, 'Makefile.include')))
      kit = { riotbase: fromEnv, env: process.env };
  } else if (fs.existsSync(envSh)) {
    const out = spawnSync('sh', ['-c', '. "$1" && env -0', 'sh', envSh], { encoding: 'utf8' });
    const env = Object.fromEntries(
      out.stdout
        .split('\0')
        .filter((kv) => kv.includes('='))
        .map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]),
    );
    if (
      out.status === 0 &&
      env.RIOTBASE &&
      fs.existsSync(path.join(env.RIOTBASE, 'Makefile.include'))
    )
      kit = { riotbase: env.RIOTBASE, env };
  }
  return kit;
}

/**
 * True when RIOT native64 devices can run here; otherwise names each missing need loudly
 * (a SKIP line, or an error under VMFLEET_REQUIRE_TOOLS=1) and returns false.
 */
export function riotNativeAvailable(): boolean {
  const needs = [
    requireThat(
      process.getuid?.() === 0,
      'not running as root',
      'RIOT native64 tests create netns and tap devices: run as root',
    ),
    requireTool('ip', 'iproute2'),
    requireThat(
      fs.existsSync('/dev/net/tun'),
      '/dev/net/tun missing',
      'load the tun module (modprobe tun)',
    ),
    requireTool('make', 'make'),
    requireThat(
      riotKit() !== null,
      'no RIOT: RIOTBASE unset (or without Makefile.include) and no kit at .riot',
      '../shared/riot/install.sh .riot && . .riot/env.sh',
    ),
  ];
  return needs.every(Boolean);
}

/** Runs make for a RIOT app; throws with the build's last lines on failure. */
export function makeRiotApp(
  appDir: string,
  vars: Record<string, string>,
  timeoutMs = 600_000,
): void {
  const k = riotKit();
  if (!k) throw new Error('no RIOT kit: ../shared/riot/install.sh .riot && . .riot/env.sh');
  const args = ['-C', appDir, '-j2', ...Object.entries(vars).map(([k, v]) => `${k}=${v}`), 'all'];
  const out = spawnSync('make', args, { env: { ...k.env }, encoding: 'utf8', timeout: timeoutMs });
  if (out.status !== 0) {
    const log = `${out.stdout}${out.stderr}`.split('\n').slice(-40).join('\n');
    throw new Error(`make ${args.join(' ')} failed (${out.status ?? out.signal}):\n${log}`);
  }
}

/**
 * Copies a RIOT example (path under RIOTBASE) to destDir, builds it for native64 there (the
 * kit tree stays untouched) and returns the ELF's path.
 */
export function buildRiotExample(example: string, destDir: string): string {
  const k = riotKit();
  if (!k) throw new Error('no RIOT kit: ../shared/riot/install.sh .riot && . .riot/env.sh');
  fs.cpSync(path.join(k.riotbase, example), destDir, { recursive: true });
  fs.chmodSync(destDir, 0o755);
  makeRiotApp(destDir, { BOARD: 'native64', RIOTBASE: k.riotbase });
  const bin = path.join(destDir, 'bin', 'native64');
  const elf = fs.readdirSync(bin).find((f) => f.endsWith('.elf'));
  if (!elf) throw new Error(`no .elf in ${bin} after make`);
  return path.join(bin, elf);
}

/** firmware/riot/bin/<vm>/<board>/vmfleet.elf (build-all.sh or make -C firmware/riot). */
export function riotElfPath(vm: string, board = 'native64'): string {
  return path.join(REPO_ROOT, 'firmware', 'riot', 'bin', vm, board, 'vmfleet.elf');
}

/** Set by CI after firmware/riot/build-all.sh: tests take the prebuilt ELFs and never build. */
export const RIOT_PREBUILT_ENV = 'VMFLEET_RIOT_PREBUILT';

/**
 * The vmfleet firmware ELF for `vm` on native64: prebuilt (CI builds all once), else built
 * now with make when a RIOT kit is there (throws if that build fails); null when it cannot
 * be had. Builds into the shared firmware/riot/bin, so keep the VM list small.
 */
export function riotElf(vm: string): string | null {
  const elf = riotElfPath(vm);
  if (fs.existsSync(elf)) return elf;
  if (process.env[RIOT_PREBUILT_ENV] === '1' || !riotKit()) return null;
  makeRiotApp(path.join(REPO_ROOT, 'firmware', 'riot'), { BOARD: 'native64', VM: vm });
  return fs.existsSync(elf) ? elf : null;
}

/**
 * riotElf(vm), or null after a loud SKIP naming the missing ELF (an error under
 * VMFLEET_REQUIRE_TOOLS=1). Call it where tests are declared, after riotNativeAvailable().
 */
export function requireRiotElf(vm: string): string | null {
  const elf = riotElf(vm);
  requireThat(
    elf !== null,
    `${path.relative(REPO_ROOT, riotElfPath(vm))} not built`,
    `bash firmware/riot/build-all.sh, or make -C firmware/riot BOARD=native64 VM=${vm}`,
  );
  return elf;
}

// ---- the network -------------------------------------------------------------------------------

let networks = 0;
// Jest gives test code a copy of `process` whose 'exit' never fires; the real one is here.
const hostProcess = vm.runInThisContext('process') as NodeJS.Process;

export interface RiotNetwork {
  /** The namespace, vmfleet-<pid>-<n>. */
  readonly name: string;
  /** Temporary directory for the devices' working dirs and flash files. */
  readonly dir: string;
  /** Creates tap<n> attached to br0 (once) and returns its name. */
  tap(n: number): string;
  /** The CoAP relay on [BRIDGE_ADDRESS]:5683 to target (one per network). */
  startRelay(target: { host: string; port: number }): Promise<CoapRelay>;
  /** Starts a RIOT native64 process; its cwd and default flash file are its own. */
  startDevice(options: RiotDeviceOptions): RiotDevice;
  readonly devices: readonly RiotDevice[];
  /** Kills every device and process in the namespace, closes the relay, deletes netns and dir. */
  close(): Promise<void>;
}

/** A fresh namespace with lo up and br0 at BRIDGE_ADDRESS/64; stale ones of dead pids go first. */
export function createRiotNetwork(): RiotNetwork {
  removeStaleNamespaces();
  const taken = new Set(listNamespaces()); // Jest gives each test file a fresh counter
  let name: string;
  do name = `${NETNS_PREFIX}${process.pid}-${++networks}`;
  while (taken.has(name));
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `${name}-`));
  const devices: RiotDevice[] = [];
  const taps = new Set<number>();
  let relay: CoapRelay | null = null;
  let closed = false;

  const onExit = () => destroyNamespace(name, devices, dir);
  hostProcess.on('exit', onExit);
  ip('netns', 'add', name);
  try {
    const inNs = (...args: string[]) => ip('netns', 'exec', name, ...args);
    inNs('ip', 'link', 'set', 'lo', 'up');
    inNs('ip', 'link', 'add', 'name', 'br0', 'type', 'bridge');
    inNs('ip', '-6', 'addr', 'add', `${BRIDGE_ADDRESS}/64`, 'dev', 'br0', 'nodad');
    inNs('ip', 'link', 'set', 'br0', 'up');
  } catch (err) {
    onExit();
    hostProcess.off('exit', onExit);
    throw err;
  }

  return {
    name,
    dir,
    devices,
    tap(n) {
      const tap = `tap${n}`;
      if (!taps.has(n)) {
        // as RIOT's dist/tools/tapsetup/tapsetup does
        ip('netns', 'exec', name, 'ip', 'tuntap', 'add', 'dev', tap, 'mode', 'tap');
        ip('netns', 'exec', name, 'ip', 'link', 'set', 'dev', tap, 'master', 'br0');
        ip('netns', 'exec', name, 'ip', 'link', 'set', 'dev', tap, 'up');
        taps.add(n);
      }
      return tap;
    },
    async startRelay(target) {
      if (relay) throw new Error(`${name}: relay already started`);
      relay = await startCoapRelay(name, { address: BRIDGE_ADDRESS, port: COAP_PORT }, target);
      return relay;
    },
    startDevice(options) {
      const workDir = fs.mkdtempSync(path.join(dir, `${options.tap}-`));
      const mtdFile = options.mtdFile ?? path.join(workDir, 'flash.bin');
      const device = new RiotDevice(name, { ...options, mtdFile }, workDir);
      devices.push(device);
      device.start();
      return device;
    },
    async close() {
      if (closed) return;
      closed = true;
      await Promise.all(devices.map((d) => d.kill()));
      await relay?.close();
      destroyNamespace(name, devices, dir);
      hostProcess.off('exit', onExit);
    },
  };
}

/** Names of this machine's network namespaces. */
export function listNamespaces(): string[] {
  const out = spawnSync('ip', ['netns', 'list'], { encoding: 'utf8' });
  return out.stdout
    .split('\n')
    .map((line) => line.split(' ')[0])
    .filter(Boolean);
}

/** Synchronous, so it can run in an exit hook: KILL what runs in netns, delete it and dir. */
function destroyNamespace(name: string, devices: readonly RiotDevice[], dir?: string): void {
  for (const d of devices) if (d.pgid !== null) killGroup(d.pgid);
  const pids = spawnSync('ip', ['netns', 'pids', name], { encoding: 'utf8' });
  for (const pid of pids.stdout.split('\n').filter(Boolean).map(Number)) killGroup(pid);
  spawnSync('ip', ['netns', 'del', name]);
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
}

function killGroup(pid: number): void {
  for (const target of [-pid, pid]) {
    try {
      process.kill(target, 'SIGKILL');
    } catch {
      // gone, or not a group leader
    }
  }
}

/** Namespaces vmfleet-<pid>-<n> whose test process is gone (a crash, SIGKILL) are removed. */
function removeStaleNamespaces(): void {
  for (const ns of listNamespaces()) {
    const owner = new RegExp(`^${NETNS_PREFIX}(\\d+)-\\d+$`).exec(ns);
    if (owner && !processAlive(Number(owner[1]))) destroyNamespace(ns, []);
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function ip(...args: string[]): void {
  const out = spawnSync('ip', args, { encoding: 'utf8' });
  if (out.status !== 0) throw new Error(`ip ${args.join(' ')} failed: ${out.stderr.trim()}`);
}

// ---- RIOT shell helpers ------------------------------------------------------------------------

/** `ifconfig <n> add cidr` on the device's only interface; resolves with the interface number. */
export async function assignAddress(device: RiotDevice, cidr: string): Promise<number> {
  const iface = await device.shell('ifconfig', /^\s*Iface\s+(\d+)/);
  const n = Number(/Iface\s+(\d+)/.exec(iface)?.[1]);
  await device.shell(`ifconfig ${n} add ${cidr}`, /success: added/);
  return n;
}
