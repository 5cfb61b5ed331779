import * as fs from 'node:fs';
import * as path from 'node:path';
import type { MqttClient } from 'mqtt';
import type { VirtualDevice } from '../devices';
import { runCli } from '../cli/main';
import { captureIo } from '../cli/testing/capture-io';
import { FEATHER_BOARD, footprintFile } from '../src/benchmarks/domain/testing/footprints';
import { topicFor } from '../src/protocol';
import { cbor, hello, provision, telemetry } from './support/fixtures';
import { startTestGateway, type TestGateway, waitFor } from './support/gateway';
import { connectRaw, end, publish } from './support/mqtt';
import { startDevices } from './support/ota';

interface Row {
  vm: string;
  romBytes: number;
  romOverBaseline: number | null;
  staticRamOverBaseline: number | null;
  runtimePeak: { bytes: number; deviceId: string } | null;
}
interface Footprints {
  builds: { board: string; vm: string; textBytes: number; builtAt: string; uploadedAt: string }[];
  boards: { board: string; rows: Row[] }[];
}

const rowOf = (f: Footprints, board: string, vm: string) =>
  f.boards.find((b) => b.board === board)?.rows.find((r) => r.vm === vm);

describe('VM footprint (e2e)', () => {
  let gw: TestGateway;
  let devices: VirtualDevice[] = [];
  let client: MqttClient | undefined;

  beforeEach(async () => {
    gw = await startTestGateway();
  });
  afterEach(async () => {
    await end(client);
    client = undefined;
    await Promise.all(devices.map((d) => d.stop()));
    devices = [];
    await gw.stop();
  });

  const upload = (body: unknown) => gw.api('POST', '/api/benchmarks/footprints', body);
  const stored = async () => (await gw.api<Footprints>('GET', '/api/benchmarks/footprints')).body;

  /** A RIOT-like device on native64 running mips1 that reports its heap and stack. */
  async function riotDevice(id: string, os: { heapPeak: number; stackUsed: number }) {
    const token = await provision(gw, id, { board: 'native64' });
    client = await connectRaw(gw.mqttUrl, { clientId: id, username: id, password: token });
    await publish(client, topicFor(id, 'hello'), cbor({ ...hello, board: 'native64' }));
    await publish(
      client,
      topicFor(id, 'telemetry'),
      cbor({ ...telemetry(), os: { heapUsed: 100, stackBytes: 65_536, ...os } }),
    );
  }

  it('refuses a bad file with the issues, and needs the API token', async () => {
    const file = footprintFile();
    const bad = await upload({
      ...file,
      builds: [{ ...file.builds[0], textBytes: -5, vm: 'cobol' }],
    });
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('invalid_input');
    expect(bad.body.issues).toEqual([
      expect.stringMatching(/^builds\.0\.vm: the VM of the build: one of none, mips1/),
      "builds.0.textBytes: the text section's size cannot be negative",
    ]);
    const wrongSchema = await upload({ ...file, schema: 'other/1' });
    expect(wrongSchema.body.issues).toEqual([
      expect.stringContaining('"schema" must be "vmfleet-footprint/1"'),
    ]);
    const anonymous = await gw.api('GET', '/api/benchmarks/footprints', undefined, {
      authorization: '',
    });
    expect(anonymous.status).toBe(401);
    expect((await stored()).builds).toEqual([]);
  });

  it('stores builds, replaces a VM and board on a new upload, and computes the deltas', async () => {
    const file = footprintFile();
    const first = await upload(file);
    expect(first.status).toBe(200);
    expect((first.body as Footprints).builds).toHaveLength(6);
    expect(rowOf(first.body as Footprints, 'native64', 'mips1')).toMatchObject({
      romBytes: 293_921 + 11_064,
      romOverBaseline: 293_921 + 11_064 - (273_376 + 10_744),
      staticRamOverBaseline: 11_064 + 468_688 - (10_744 + 401_936),
      runtimePeak: null,
    });

    const rebuilt = file.builds.filter((b) => b.board === 'native64' && b.vm === 'mips1');
    await upload({ ...file, builds: [{ ...rebuilt[0], textBytes: 300_000 }] });
    const after = await stored();
    expect(after.builds).toHaveLength(6);
    expect(after.builds.find((b) => b.board === 'native64' && b.vm === 'mips1')).toMatchObject({
      textBytes: 300_000,
      builtAt: rebuilt[0].builtAt,
    });
    expect(rowOf(after, 'native64', 'mips1')?.romOverBaseline).toBe(
      300_000 + 11_064 - (273_376 + 10_744),
    );
    expect(after.boards.map((b) => b.board)).toEqual([FEATHER_BOARD, 'native64']);
  });

  it("puts the table in a campaign's markdown and JSON report, with a device's runtime peak", async () => {
    expect((await upload(footprintFile())).status).toBe(200);
    await riotDevice('riot-fp', { heapPeak: 6_000, stackUsed: 2_192 });
    await waitFor(
      'the runtime peak',
      async () => rowOf(await stored(), 'native64', 'mips1')?.runtimePeak,
    );

    // Virtual devices (board nrf52840, no footprints): the report shows every stored board.
    devices = await startDevices(gw, { prefix: 'fp', count: 1, tags: ['bench'] });
    const res = await gw.api('POST', '/api/benchmarks', {
      programs: ['fibonacci'],
      target: { tag: 'bench' },
      repetitions: 1,
      native: false,
    });
    expect(res.status).toBe(201);
    const id = res.body.id as number;
    await waitFor(
      `campaign ${id} finished`,
      async () => (await gw.api('GET', `/api/benchmarks/${id}`)).body.status !== 'running',
      60_000,
    );

    const md = (await gw.api('GET', `/api/benchmarks/${id}/report?format=md`)).body as string;
    const section = md.slice(md.indexOf('## VM footprint'), md.indexOf('## Notes'));
    expect(section).toContain(`### ${FEATHER_BOARD}\n`);
    expect(section).toContain('### native64\n');
    const native = section.slice(section.indexOf('### native64'));
    expect(native).toMatch(/^\| none \| 277\.5 \| baseline \| 403\.0 \| baseline \| —\[\d+\] \|$/m);
    expect(native).toMatch(/^\| mips1 \| 297\.8 \| \+20\.4 \| 468\.5 \| \+65\.5 \| 8\.0 \|$/m);
    expect(native).toMatch(/^\| wasm \| 403\.6 \| \+126\.2 \| .* \| —\[\d+\] \|$/m);

    const json = (await gw.api('GET', `/api/benchmarks/${id}/report?format=json`)).body as {
      footprint: { baselineVm: string; boards: { board: string; rows: Row[] }[] };
    };
    expect(json.footprint.baselineVm).toBe('none');
    const mips1 = json.footprint.boards
      .find((b) => b.board === 'native64')
      ?.rows.find((r) => r.vm === 'mips1');
    expect(mips1?.runtimePeak).toMatchObject({ bytes: 8_192, deviceId: 'riot-fp' });
  });

  describe('vmfleet bench footprint', () => {
    let dir: string;

    beforeEach(() => {
      dir = fs.mkdtempSync(path.join(gw.dataDir, 'cli-'));
    });

    async function vmfleet(...args: string[]) {
      const captured = captureIo({
        env: { VMFLEET_URL: gw.httpUrl, VMFLEET_API_TOKEN: gw.apiToken },
        cwd: dir,
      });
      const code = await runCli(args, { io: captured.io });
      return { code, stdout: captured.stdout(), stderr: captured.stderr() };
    }

    it('uploads the default file and prints a table per board', async () => {
      fs.mkdirSync(path.join(dir, 'firmware/riot/bin'), { recursive: true });
      fs.writeFileSync(
        path.join(dir, 'firmware/riot/bin/footprint.json'),
        JSON.stringify(footprintFile()),
      );
      const run = await vmfleet('bench', 'footprint');
      expect([run.code, run.stderr]).toEqual([0, '']);
      expect(run.stdout).toMatch(
        /^Uploaded 6 builds from firmware\/riot\/bin\/footprint.json; the gateway has 6 builds\.$/m,
      );
      expect(run.stdout).toMatch(/^native64$/m);
      expect(run.stdout).toMatch(
        /mips1 +│ +297\.8 KiB │ +\+20\.4 KiB │ +468\.5 KiB │ +\+65\.5 KiB │ +- /,
      );
      expect(run.stdout).toMatch(/none +│ +277\.5 KiB │ +baseline │/);
      expect((await stored()).builds).toHaveLength(6);

      const json = await vmfleet('bench', 'footprint', '--json');
      expect(json.code).toBe(0);
      expect((JSON.parse(json.stdout) as Footprints).boards).toHaveLength(2);
    });

    it('exits 1 on a missing file, a file that is not JSON, and one the gateway refuses', async () => {
      const missing = await vmfleet('bench', 'footprint');
      expect(missing.code).toBe(1);
      expect(missing.stderr).toMatch(
        /^error: cannot read firmware\/riot\/bin\/footprint.json: .*build it with `bash firmware\/riot\/build-all.sh`/,
      );
      fs.writeFileSync(path.join(dir, 'broken.json'), '{"schema":');
      const broken = await vmfleet('bench', 'footprint', '--file', 'broken.json', '--json');
      expect(broken.code).toBe(1);
      expect(JSON.parse(broken.stderr).error.message).toMatch(/^broken.json is not JSON/);
      fs.writeFileSync(
        path.join(dir, 'empty.json'),
        '{"schema":"vmfleet-footprint/1","builds":[]}',
      );
      const refused = await vmfleet('bench', 'footprint', '--file', 'empty.json');
      expect(refused.code).toBe(1);
      expect(refused.stderr).toMatch(
        /^error: invalid footprint file: builds: no builds: .*\(invalid_input, HTTP 400\)$/m,
      );
    });
  });
});
