import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { GatewayProcess } from './support/gateway-process';
import { waitFor } from './support/gateway';
import { hasTool, requireTool } from './support/system-tools';

/**
 * The README's "A 5-minute tour", run as written: every shell block of every step, command
 * by command, against a gateway started the way step 1 starts it (a fresh data dir, the
 * token it generates in ./data/api-token), in a working directory that has the repository's
 * firmware/. What differs from a user's terminal, and only that:
 * - ports: the gateway listens on free ports; `npx vmfleet` finds it through VMFLEET_URL and
 *   `mosquitto_pub` gets `-p <port>` ("ports aside");
 * - `<token>` in step 4 is the token `devices add` printed the line before;
 * - a command sent to the background (`… &`, another terminal in the README) is left
 *   running, and the next command waits until the devices it starts are online, as a user
 *   would see them come up;
 * - step 8 runs step 2 again first if step 2's minute is over, as the README says.
 * Every other command must exit 0 (bash -e), and a few outputs are checked as documented.
 */
const REPO = path.join(__dirname, '..');
const README = fs.readFileSync(path.join(REPO, 'README.md'), 'utf8');

interface Step {
  n: number;
  lines: string[];
}

/** The numbered steps of the tour with the lines of their ```sh blocks (comments kept). */
function tourSteps(): Step[] {
  const start = README.indexOf('## A 5-minute tour');
  const end = README.indexOf('\n## ', start + 1);
  const tour = README.slice(start, end);
  const steps: Step[] = [];
  for (const part of tour.split(/\n(?=\d+\. )/).slice(1)) {
    const n = Number(/^(\d+)\. /.exec(part)![1]);
    const lines = [...part.matchAll(/```sh\n([\s\S]*?)```/g)]
      .flatMap((m) => m[1].split('\n'))
      .map((l) => l.trim())
      .filter((l) => l !== '' && !l.startsWith('#'));
    steps.push({ n, lines: joinContinuations(lines) });
  }
  return steps;
}

function joinContinuations(lines: string[]): string[] {
  const out: string[] = [];
  for (const line of lines) {
    const last = out.length - 1;
    if (last >= 0 && out[last].endsWith('\\')) out[last] = `${out[last].slice(0, -1)} ${line}`;
    else out.push(line);
  }
  return out;
}

/** `npx vmfleet` is this checkout's CLI (bin/vmfleet.js, as npx finds it), as built. */
const prelude = (cli: string) =>
  [
    'set -euo pipefail',
    `npx() { if [ "$1" = vmfleet ]; then shift; node '${cli}' "$@"; else command npx "$@"; fi; }`,
  ].join('\n');

const needs =
  requireTool('mosquitto_pub', 'mosquitto-clients') &&
  requireTool('make', 'make') &&
  requireTool('gcc', 'gcc') &&
  fs.existsSync(path.join(REPO, 'dist', 'cli', 'main.js'));
if (!fs.existsSync(path.join(REPO, 'dist', 'cli', 'main.js')) && hasTool('node')) {
  process.stderr.write('SKIP: the README tour needs the built CLI: npm run build\n');
}

(needs ? describe : describe.skip)('the README tour, as written', () => {
  let gw: GatewayProcess;
  let cwd: string;
  let cli: string;
  const background: number[] = [];
  const steps = tourSteps();
  const step = (n: number) => steps.find((s) => s.n === n)!;

  /** Runs a bash script in the tour's directory; resolves with its output, rejects on exit ≠ 0. */
  const sh = (script: string, timeoutMs = 120_000): Promise<string> =>
    new Promise((resolve, reject) => {
      const child = spawn('bash', ['-c', `${prelude(cli)}\n${script}`], {
        cwd,
        env: { ...process.env, VMFLEET_URL: gw.httpUrl, VMFLEET_API_TOKEN: '' },
        detached: true, // its own process group: what it sends to the background is ours to stop
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      background.push(child.pid!);
      let out = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      child.stderr.on('data', (d: Buffer) => (out += d.toString()));
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      child.on('exit', (code, signal) => {
        clearTimeout(timer);
        if (code === 0) resolve(out);
        else reject(new Error(`exit ${code ?? signal} of:\n${script}\n--- output:\n${out}`));
      });
    });

  const online = async (ids: string[]) => {
    const out = await sh(`npx vmfleet devices list --json`);
    const devices = JSON.parse(out) as { id: string; online: boolean }[];
    return ids.every((id) => devices.some((d) => d.id === id && d.online));
  };
  const waitOnline = (ids: string[]) =>
    waitFor(`${ids.join(', ')} online`, async () => ((await online(ids)) ? true : null), 60_000);
  /** Step 2's devices, started again if its minute is over (as steps 6 and 8 say). */
  const simsRunning = async (ids: string[]) => {
    if (await online(ids)) return;
    void sh(step(2).lines[0], 600_000).catch(() => undefined);
    await waitOnline(ids);
  };
  const simIds = (prefix: string, vm: string, count: number) =>
    Array.from({ length: count }, (_, i) => `${prefix}-nrf52840-${vm}-00${i + 1}`);

  beforeAll(async () => {
    cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'vmfleet-tour-'));
    fs.symlinkSync(path.join(REPO, 'firmware'), path.join(cwd, 'firmware'));
    // The CLI as built now, beside its node_modules: a rebuild of dist/ while the tour runs
    // (another terminal's `npm run build`) cannot pull it away mid-step.
    const pkg = path.join(cwd, '.cli');
    fs.cpSync(path.join(REPO, 'dist'), path.join(pkg, 'dist'), { recursive: true });
    fs.cpSync(path.join(REPO, 'bin'), path.join(pkg, 'bin'), { recursive: true });
    for (const entry of ['node_modules', 'package.json']) {
      fs.symlinkSync(path.join(REPO, entry), path.join(pkg, entry));
    }
    cli = path.join(pkg, 'bin', 'vmfleet.js');
    // Step 1 (`npm start`) on free ports, data in ./data as `npm start` keeps it, and no
    // token given: the gateway makes one and writes ./data/api-token, where the CLI looks.
    gw = await GatewayProcess.start({
      VMFLEET_DATA_DIR: path.join(cwd, 'data'),
      VMFLEET_API_TOKEN: '',
      VMFLEET_BENCH_IMAGES: 'start',
    });
  }, 120_000);

  afterAll(async () => {
    for (const pgid of background) {
      try {
        process.kill(-pgid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    await gw?.stop();
    fs.rmSync(cwd, { recursive: true, force: true });
  });

  it('has the nine steps the README promises', () => {
    expect(steps.map((s) => s.n)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(step(1).lines).toEqual(['npm ci && npm start']);
    expect(fs.readFileSync(path.join(cwd, 'data', 'api-token'), 'utf8').trim()).not.toBe('');
  });

  it('2-3: simulates devices over MQTT and CoAP and shows the fleet', async () => {
    for (const line of step(2).lines) void sh(line, 600_000).catch(() => undefined);
    await waitOnline([...simIds('sim', 'mips1', 5), ...simIds('sim', 'wasm', 5)]);
    for (const line of step(3).lines) await sh(line);
  }, 180_000);

  it('4: provisions a device by hand and says hello with mosquitto_pub', async () => {
    const [add, ...rest] = step(4).lines;
    const token = /Token: (\S+)/.exec(await sh(add))?.[1];
    expect(token).toBeDefined();
    for (const line of rest) {
      await sh(
        line.replace('<token>', token!).replace('-h 127.0.0.1', `-h 127.0.0.1 -p ${gw.mqttPort}`),
      );
    }
    // mosquitto_pub connects, says hello and leaves: the gateway has seen the device.
    const seen = JSON.parse(await sh('npx vmfleet devices show my-board --json')) as {
      lastSeenAt: string | null;
    };
    expect(seen.lastSeenAt).not.toBeNull();
  }, 120_000);

  it('5: runs a guest locally with the documented output', async () => {
    const out = await sh(step(5).lines.join('\n'));
    expect(out).toContain('check: ok');
    expect(out).toContain('-- exited with 0');
    expect(out).toMatch(/-- \d+ instructions in [\d.]+ ms/);
  }, 120_000);

  it('6: drives a device through the Thing Monitor and injects an event', async () => {
    await simsRunning(simIds('sim', 'mips1', 1));
    await sh(step(6).lines.join('\n'));
  }, 180_000);

  it('7-8: pushes apps and rolls one out over the air', async () => {
    for (const line of step(7).lines) await sh(line);
    await simsRunning(simIds('sim', 'mips1', 2));
    for (const line of step(8).lines) await sh(line, 300_000);
  }, 420_000);

  it('9: two campaigns on two devices of their own report every cell, and compare', async () => {
    const lines = step(9).lines;
    for (const line of lines) {
      if (line.endsWith('&')) {
        void sh(line.slice(0, -1), 1_200_000).catch(() => undefined);
        await waitOnline(simIds('bench', 'mips1', 2));
        continue;
      }
      const out = await sh(line, 1_200_000);
      if (/bench report 1/.test(line)) {
        // Every cell a figure, the slowdown included: native ran.
        expect(out).toContain('## Slowdown vs native');
        expect(out).not.toContain('No native baseline');
        expect(out).toMatch(/\| +\| geomean \| [\d.]+×/);
      }
    }
  }, 2_400_000);
});
