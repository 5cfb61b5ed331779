import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startTestGateway, TestGateway } from './support/gateway';
import {
  assignAddress,
  BRIDGE_ADDRESS,
  buildRiotExample,
  CoapRelay,
  createRiotNetwork,
  groupMembers,
  listNamespaces,
  RiotDevice,
  REPO_ROOT,
  requireRiotElf,
  RiotNetwork,
  riotNativeAvailable,
} from './support/riot-native';

/**
 * The RIOT native64 harness (test/support/riot-native.ts) with RIOT's own gcoap example:
 * two instances on tap0 and tap1 of one namespace reach the in-process gateway on host
 * loopback through the CoAP relay, at the same time, each with its own endpoint.
 */
const riotAvailable = riotNativeAvailable();
const describeRiot = riotAvailable ? describe : describe.skip;

describeRiot('RIOT native64 devices reach the in-process gateway through the netns relay', () => {
  let buildDir: string;
  let elf: string;
  let gw: TestGateway;
  let net: RiotNetwork;
  let relay: CoapRelay;

  beforeAll(async () => {
    buildDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vmfleet-riot-gcoap-'));
    elf = buildRiotExample('examples/networking/coap/gcoap', path.join(buildDir, 'gcoap'));
    gw = await startTestGateway();
    net = createRiotNetwork();
    relay = await net.startRelay({ host: '127.0.0.1', port: gw.coapPort });
  }, 180_000);

  afterAll(async () => {
    await net?.close();
    await gw?.stop();
    if (buildDir) fs.rmSync(buildDir, { recursive: true, force: true });
  });

  /** Address, ping the bridge, GET the gateway's /.well-known/core; returns the payload line. */
  async function bringUp(device: RiotDevice, address: string): Promise<string> {
    await device.waitForLine(/All up, running the shell now/);
    await assignAddress(device, `${address}/64`);
    const stats = await device.shell(
      `ping -c 3 ${BRIDGE_ADDRESS}`,
      /packets transmitted, \d+ packets received/,
    );
    expect(Number(/(\d+) packets received/.exec(stats)?.[1])).toBeGreaterThan(0);
    const from = device.lines.length;
    await device.shell(
      `coap get coap://[${BRIDGE_ADDRESS}]/.well-known/core`,
      /gcoap: response Success, code 2\.05/,
    );
    return device.waitForLine(/<\/v1\/register>/, 10_000, from);
  }

  it('two devices at once ping the bridge and read the gateway link-format through the relay', async () => {
    const devices = [0, 1].map((n) => net.startDevice({ elf, tap: net.tap(n) }));
    const payloads = await Promise.all([
      bringUp(devices[0], 'fd00:dead:beef::2'),
      bringUp(devices[1], 'fd00:dead:beef::3'),
    ]);

    for (const payload of payloads) {
      expect(payload).toContain('</v1/register>');
      expect(payload).toContain('rt="vmfleet.register"');
    }
    // Each device got its own host socket, so the gateway saw two endpoints.
    const endpoints = relay.endpoints();
    expect([...endpoints.keys()].map((k) => /^\[([^\]]+)\]/.exec(k)?.[1]).sort()).toEqual([
      'fd00:dead:beef::2',
      'fd00:dead:beef::3',
    ]);
    expect(new Set(endpoints.values()).size).toBe(2);
    const stats = relay.stats();
    expect(stats.errors).toEqual([]);
    expect(stats.foreign).toBe(0);
    expect(stats.up).toBeGreaterThanOrEqual(2);
    expect(stats.down).toBeGreaterThanOrEqual(2);
  }, 60_000);

  it('restart() brings a device back on the same tap', async () => {
    const device = net.devices[0];
    const before = device.pgid;
    const from = device.lines.length;
    await device.restart();
    expect(device.pgid).not.toBe(before);
    expect(groupMembers(before!)).toEqual([]);
    await device.waitForLine(/All up, running the shell now/, 10_000, from);
  }, 30_000);

  it('close() leaves no namespace and no RIOT process behind', async () => {
    const pgids = net.devices.map((d) => d.pgid!);
    expect(pgids.every((p) => groupMembers(p).length > 0)).toBe(true);
    await net.close();
    expect(listNamespaces()).not.toContain(net.name);
    for (const pgid of pgids) expect(groupMembers(pgid)).toEqual([]);
    expect(processesRunning(elf)).toEqual([]);
    expect(fs.existsSync(net.dir)).toBe(false);
  }, 30_000);
});

// The vmfleet firmware itself (prebuilt by firmware/riot/build-all.sh, or built now). A
// missing or broken build fails this block only, not the gcoap proof above.
let firmware: string | null = null;
let firmwareProblem: Error | undefined;
try {
  firmware = riotAvailable ? requireRiotElf('none') : null;
} catch (err) {
  firmwareProblem = err instanceof Error ? err : new Error(String(err));
}
(firmware || firmwareProblem ? describe : describe.skip)(
  'the vmfleet firmware (VM=none) under the harness',
  () => {
    let net: RiotNetwork;
    beforeAll(() => {
      if (firmwareProblem) throw firmwareProblem;
    });
    afterEach(() => net?.close());

    it('runs in its own work dir with its own flash file, the same one after restart()', async () => {
      net = createRiotNetwork();
      // A flash image with a mark, as a previous run would have left it.
      const flash = path.join(net.dir, 'device-a.flash');
      fs.writeFileSync(
        flash,
        Buffer.concat([Buffer.from('vmfleet-harness'), Buffer.alloc(4096, 0xff)]),
      );
      const device = net.startDevice({ elf: firmware!, tap: net.tap(0), mtdFile: flash });
      await device.waitForLine(/vmfleet device, VM none/);
      const from = device.lines.length;
      await device.restart();
      await device.waitForLine(/vmfleet device, VM none/, 10_000, from);
      expect(device.options.mtdFile).toBe(flash);
      expect(fs.readFileSync(flash).subarray(0, 15).toString()).toBe('vmfleet-harness');
      // RIOT's default files (MEMORY.bin, …) would land in the cwd: the work dir, never the repo.
      expect(fs.readdirSync(device.workDir).filter((f) => f.endsWith('.bin'))).toEqual([]);
      expect(fs.existsSync(path.join(REPO_ROOT, 'MEMORY.bin'))).toBe(false);
    }, 30_000);
  },
);

/** Pids whose executable is `file`. */
function processesRunning(file: string): number[] {
  const pids: number[] = [];
  for (const entry of fs.readdirSync('/proc').filter((e) => /^\d+$/.test(e))) {
    try {
      if (fs.readlinkSync(`/proc/${entry}/exe`) === file) pids.push(Number(entry));
    } catch {
      // gone, or a kernel thread
    }
  }
  return pids;
}
