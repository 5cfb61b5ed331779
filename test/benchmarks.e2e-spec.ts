import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import type { VirtualDevice } from '../devices';
import { AVAILABLE_ENGINES } from '../devices/engines';
import { startTestGateway, type TestGateway, waitFor } from './support/gateway';
import { startDevices } from './support/ota';
import { hasTool } from './support/system-tools';

const ENGINES = AVAILABLE_ENGINES;
const COISA = ['ackermann', 'array', 'fibonacci', 'heapsort', 'lists', 'matrix', 'random', 'sieve'];
const METRIC_TITLES = ['Code size', 'Flash footprint', 'Peak RAM', 'Load time', 'Execution time'];

/** The native baseline needs the host builds (gcc); without gcc its cells say why. */
function buildNative(): boolean {
  if (!hasTool('gcc') || !hasTool('make')) return false;
  const firmware = path.join(__dirname, '..', 'firmware');
  const make = spawnSync('make', ['-C', firmware, '-s', '--no-print-directory', 'native'], {
    encoding: 'utf8',
  });
  if (make.status !== 0) throw new Error(`make -C firmware native failed:\n${make.stderr}`);
  return true;
}

interface CellJson {
  program: string;
  vm: string;
  metrics: Record<string, { median: number } | null>;
}

interface CampaignView {
  id: number;
  status: string;
  profile: string;
  plannedRuns: number;
  recordedRuns: number;
  counts: Record<string, number>;
}

describe('benchmark campaigns (e2e)', () => {
  let gw: TestGateway;
  let devices: VirtualDevice[] = [];

  beforeEach(async () => {
    gw = await startTestGateway();
  });
  afterEach(async () => {
    await Promise.all(devices.map((d) => d.stop()));
    devices = [];
    await gw.stop();
  });

  async function campaign(body: Record<string, unknown>): Promise<number> {
    const res = await gw.api('POST', '/api/benchmarks', body);
    if (res.status !== 201) throw new Error(`campaign: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body.id as number;
  }

  const view = async (id: number) =>
    (await gw.api<CampaignView>('GET', `/api/benchmarks/${id}`)).body;

  async function finished(id: number, timeoutMs = 60_000): Promise<CampaignView> {
    let last: CampaignView | undefined;
    try {
      return await waitFor(
        `campaign ${id} finished`,
        async () => {
          last = await view(id);
          return last.status !== 'running' ? last : null;
        },
        timeoutMs,
      );
    } catch (err) {
      throw new Error(`${(err as Error).message}: ${JSON.stringify(last)}`);
    }
  }

  it('installs each program by OTA, measures it, and reports every cell', async () => {
    devices = await startDevices(gw, { prefix: 'bm', count: 1, tags: ['bench'] });
    const id = await campaign({
      programs: ['fibonacci', 'sieve'],
      target: { tag: 'bench' },
      repetitions: 2,
      native: false,
    });
    const done = await finished(id);
    expect(done).toMatchObject({ status: 'completed', plannedRuns: 4, recordedRuns: 4 });
    expect(done.counts.ok).toBe(4);
    const md = (await gw.api('GET', `/api/benchmarks/${id}/report?format=md`)).body as string;
    expect(md).toContain('## Execution time');
    expect(md).toMatch(/\| coisa \| sieve \| [\d.]+ ± [\d.]+ \|/);
  });

  it('measures the -Os build profile when a campaign names it, beside the default -O2', async () => {
    devices = await startDevices(gw, { prefix: 'os', count: 1, tags: ['bench'] });
    const codeBytes = async (id: number) => {
      const res = await gw.api<{ campaign: { profile: string }; cells: CellJson[] }>(
        'GET',
        `/api/benchmarks/${id}/report?format=json`,
      );
      const cell = res.body.cells.find((c) => c.program === 'fibonacci' && c.vm === 'mips1');
      return { profile: res.body.campaign.profile, codeBytes: cell?.metrics.codeBytes?.median };
    };
    const body = {
      programs: ['fibonacci'],
      target: { tag: 'bench' },
      repetitions: 1,
      native: false,
    };
    const o2 = await campaign(body);
    expect(await finished(o2)).toMatchObject({ status: 'completed', profile: 'O2' });
    const os = await campaign({ ...body, profile: 'Os' });
    expect(await finished(os)).toMatchObject({ status: 'completed', profile: 'Os' });
    expect((await view(os)).counts.ok).toBe(1);
    const [atO2, atOs] = [await codeBytes(o2), await codeBytes(os)];
    expect(atO2.profile).toBe('O2');
    expect(atOs.profile).toBe('Os');
    // fibonacci's text is a third smaller at -Os (firmware/build/mips1-Os/fibonacci.m1).
    expect(atOs.codeBytes).toBeLessThan(atO2.codeBytes!);
    const apps = await gw.api<{ items: Array<{ name: string }> }>(
      'GET',
      '/api/apps?name=bench-fibonacci-mips1-os',
    );
    expect(apps.body.items.map((a) => a.name)).toContain('bench-fibonacci-mips1-os');
    const md = (await gw.api('GET', `/api/benchmarks/${os}/report?format=md`)).body as string;
    expect(md).toContain('C images built -Os');
  });

  it('refuses a build profile it does not know', async () => {
    const res = await gw.api('POST', '/api/benchmarks', {
      programs: ['fibonacci'],
      target: { tag: 'bench' },
      profile: 'O3',
    });
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.body)).toContain('profile');
  });

  it('runs coisa × every engine × 2 devices each × 3 repetitions, and reports every cell', async () => {
    const native = buildNative();
    // Two devices per engine keep the sequential campaign (2 runs per program, VM and
    // repetition) within its time now that the compiled tiers joined the engines.
    const PER_ENGINE = 2;
    // Every engine this runtime offers (a compiled tier joins once it lands).
    for (const vm of ENGINES) {
      devices.push(
        ...(await startDevices(gw, { prefix: `c-${vm}`, vm, count: PER_ENGINE, tags: ['all'] })),
      );
    }
    // One device at a time: the virtual devices (2 per engine) share this process's one thread.
    const id = await campaign({
      suite: 'coisa',
      target: { tag: 'all' },
      repetitions: 3,
      sequential: true,
    });
    const done = await finished(id, 600_000);
    const planned = ENGINES.length * PER_ENGINE * COISA.length * 2 * 3;
    expect(done).toMatchObject({
      status: 'completed',
      plannedRuns: planned,
      recordedRuns: planned,
    });
    expect(done.counts).toMatchObject({ invalid: 0, failed: 0, missing: 0 });
    if (native) expect(done.counts.skipped).toBe(0);

    const json = (await gw.api('GET', `/api/benchmarks/${id}/report?format=json`)).body as {
      cells: {
        program: string;
        vm: string;
        emptyReason: string | null;
        metrics: Record<string, unknown>;
      }[];
    };
    const cells = json.cells;
    expect(cells).toHaveLength(COISA.length * (ENGINES.length + 1));
    for (const cell of cells) {
      if (cell.vm === 'native' && !native) {
        expect(cell.emptyReason).toMatch(/make -C firmware native/);
        continue;
      }
      expect(cell.emptyReason).toBeNull();
      // 2 devices × 3 repetitions; native runs on every device.
      const n = cell.vm === 'native' ? ENGINES.length * PER_ENGINE * 3 : PER_ENGINE * 3;
      expect(cell.metrics.execMs).toMatchObject({ n });
    }

    const md = (await gw.api('GET', `/api/benchmarks/${id}/report?format=md`)).body as string;
    for (const title of METRIC_TITLES) expect(md).toContain(`## ${title}`);
    for (const program of COISA) {
      // One row per program in each of the five metric tables and the slowdown table.
      const rows = md.split('\n').filter((l) => l.startsWith(`| coisa | ${program} |`));
      expect(rows).toHaveLength(6);
      for (const row of rows) {
        const values = row
          .split('|')
          .slice(3, -1)
          .map((c) => c.trim());
        expect(values.every((v) => v !== '' && (v.startsWith('—[') || /\d/.test(v)))).toBe(true);
      }
    }
    const csv = (await gw.api('GET', `/api/benchmarks/${id}/report?format=csv`)).body as string;
    expect(csv.trim().split('\n')).toHaveLength(1 + COISA.length * (ENGINES.length + 1) * 5);
    const svg = (await gw.api('GET', `/api/benchmarks/${id}/report?format=svg`)).body as string;
    expect(svg.startsWith('<svg')).toBe(true);
    for (const title of METRIC_TITLES) expect(svg).toContain(title);
    // The figures, for whoever reads the test log.
    const exec = md.slice(
      md.indexOf('## Execution time'),
      md.indexOf('## ', md.indexOf('## Execution time') + 3),
    );
    console.log(exec);
  }, 900_000);

  it('marks the runs of a device that goes away as missing and finishes the others', async () => {
    devices = await startDevices(gw, { prefix: 'off', count: 2, tags: ['off'] });
    const id = await campaign({
      programs: ['fibonacci', 'sieve', 'matrix'],
      target: { tag: 'off' },
      repetitions: 2,
      native: false,
      offlineGraceMs: 1000,
    });
    await waitFor('a first run recorded for off-02', async () => {
      const runs = (await gw.api('GET', `/api/benchmarks/${id}/runs`)).body.items as {
        deviceId: string;
      }[];
      return runs.some((r) => r.deviceId === 'off-02');
    });
    await devices[1].stop();
    const done = await finished(id);
    expect(done.status).toBe('completed');
    const runs = (await gw.api('GET', `/api/benchmarks/${id}/runs`)).body.items as {
      deviceId: string;
      status: string;
      reason: string | null;
    }[];
    expect(runs).toHaveLength(12);
    expect(runs.filter((r) => r.deviceId === 'off-01').every((r) => r.status === 'ok')).toBe(true);
    const away = runs.filter((r) => r.deviceId === 'off-02');
    expect(away.some((r) => r.status === 'ok')).toBe(true);
    const missing = away.filter((r) => r.status === 'missing');
    expect(missing.length).toBeGreaterThan(0);
    expect(missing[0].reason).toMatch(/off-02 offline/);
    const md = (await gw.api('GET', `/api/benchmarks/${id}/report?format=md`)).body as string;
    expect(md).toMatch(/missing: device off-02 offline/);
  }, 60_000);

  it('resumes a campaign after a gateway restart, without measuring a run twice', async () => {
    devices = await startDevices(gw, { prefix: 'rs', count: 1, tags: ['rs'] });
    const id = await campaign({
      programs: ['fibonacci', 'heapsort', 'sieve', 'matrix'],
      target: { tag: 'rs' },
      repetitions: 3,
      native: false,
    });
    await waitFor('some runs recorded', async () => (await view(id)).recordedRuns >= 3);
    const { dataDir, mqttPort, apiToken } = gw;
    await gw.restartable();
    const before = await startTestGateway(
      { VMFLEET_MQTT_PORT: String(mqttPort), VMFLEET_API_TOKEN: apiToken },
      { dataDir },
    );
    gw = before;
    const done = await finished(id);
    expect(done).toMatchObject({ status: 'completed', plannedRuns: 12, recordedRuns: 12 });
    expect(done.counts.ok).toBe(12);
  }, 60_000);

  it('reproduces sizes and instruction counts exactly when a campaign is repeated on the same devices', async () => {
    devices = await startDevices(gw, { prefix: 'rp', count: 1, tags: ['rp'] });
    const spec = {
      programs: ['lists', 'random', 'sieve'],
      target: { tag: 'rp' },
      repetitions: 3,
      native: false,
    };
    const first = await campaign(spec);
    await finished(first);
    const second = await campaign(spec);
    await finished(second);
    const cmp = (await gw.api('GET', `/api/benchmarks/${first}/compare/${second}?format=json`))
      .body as {
      cells: { program: string; vm: string; ratios: Record<string, number | null> }[];
    };
    // What a repeat must reproduce exactly: sizes, and the instructions each run executed
    // (the engines are deterministic). Times only have to be plausible: a shared machine
    // can slow one campaign several-fold, so they are a sanity range, not a tolerance.
    const instructions = async (id: number) => {
      const report = (await gw.api('GET', `/api/benchmarks/${id}/report?format=json`)).body as {
        cells: { program: string; vm: string; instructions: { median: number } | null }[];
      };
      return report.cells.map((c) => [c.program, c.vm, c.instructions?.median]);
    };
    const counted = await instructions(first);
    expect(counted).toHaveLength(3);
    for (const [, , median] of counted) expect(median).toBeGreaterThan(0);
    expect(await instructions(second)).toEqual(counted);
    const SANITY = 10;
    console.log(
      `repeated campaign: exec-time median ratios ${cmp.cells.map((c) => (c.ratios.execMs ?? NaN).toFixed(2)).join(', ')} (sanity range ×${SANITY})`,
    );
    expect(cmp.cells).toHaveLength(3);
    for (const c of cmp.cells) {
      expect(c.ratios.codeBytes).toBe(1);
      expect(c.ratios.flashBytes).toBe(1);
      expect(c.ratios.ramBytes).toBe(1);
      expect(c.ratios.execMs).toBeGreaterThan(1 / SANITY);
      expect(c.ratios.execMs).toBeLessThan(SANITY);
    }
  }, 120_000);
});
