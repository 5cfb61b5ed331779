import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PassThrough } from 'node:stream';
import { runCli } from '../main';
import type { CliIo } from '../output';
import { captureIo } from '../testing/capture-io';
import { FakeBenchmarks, makeCampaign } from '../testing/fake-benchmarks';
import { TEST_TOKEN } from '../testing/fake-gateway';

const RUN = ['bench', 'run', '--program', 'fibonacci', 'sieve', '--tag', 'bench'];

describe('vmfleet bench', () => {
  let gateway: FakeBenchmarks;
  let dir: string;

  beforeEach(async () => {
    gateway = await FakeBenchmarks.start();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vmfleet-bench-'));
  });

  afterEach(async () => {
    await gateway.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  async function vmfleet(args: string[], io: Partial<CliIo> = {}) {
    const env = { VMFLEET_URL: gateway.url, VMFLEET_API_TOKEN: TEST_TOKEN };
    const captured = captureIo({ env, cwd: dir, ...io });
    const code = await runCli(args, { io: captured.io });
    return { code, stdout: captured.stdout(), stderr: captured.stderr() };
  }

  describe('run', () => {
    it('sends every option to the gateway and says how to follow the campaign', async () => {
      const { code, stdout, stderr } = await vmfleet([
        ...['bench', 'run', '--program', 'fibonacci', '--program', 'sieve'],
        ...['--device', 'lab-01', 'lab-02', '--vm', 'mips1', 'native', '--reps', '3'],
        ...['--no-native', '--sequential', '--offline-grace', '2m', '--name', 'nightly'],
        ...['--profile', 'Os'],
      ]);
      expect([code, stderr]).toEqual([0, '']);
      expect(gateway.requests[0].body).toEqual({
        name: 'nightly',
        programs: ['fibonacci', 'sieve'],
        vms: ['mips1', 'native'],
        target: { devices: ['lab-01', 'lab-02'] },
        repetitions: 3,
        profile: 'Os',
        native: false,
        sequential: true,
        offlineGraceMs: 120_000,
      });
      expect(stdout).toBe(
        'Campaign 1 (nightly): 2 programs on mips1, native, 1 device, 8 runs planned.\n' +
          'Follow it with `vmfleet bench show 1`.\n',
      );
    });

    it('takes --vm all as every VM of each device and native (no filter)', async () => {
      const { code } = await vmfleet([
        ...['bench', 'run', '--suite', 'embench', '--tag', 'riot', '--vm', 'all', '--json'],
      ]);
      expect(code).toBe(0);
      expect(gateway.requests[0].body).toEqual({
        suite: ['embench'],
        target: { tag: 'riot' },
        native: true,
      });
    });

    it('leaves the defaults to the gateway', async () => {
      const { code, stdout } = await vmfleet([
        ...['bench', 'run', '--suite', 'coisa', 'embench', '--tag', 'bench', '--json'],
      ]);
      expect(code).toBe(0);
      expect(gateway.requests[0].body).toEqual({
        suite: ['coisa', 'embench'],
        target: { tag: 'bench' },
        native: true,
      });
      expect(JSON.parse(stdout)).toMatchObject({ id: 1, status: 'running', plannedRuns: 8 });
    });

    it('--wait prints a line per change when not on a terminal, and exits 0 when all is well', async () => {
      gateway.progress = [
        { counts: { ok: 2 } },
        { counts: { ok: 2 } },
        { counts: { ok: 6, skipped: 2 }, status: 'completed' },
      ];
      const { code, stdout, stderr } = await vmfleet([...RUN, '--wait', '--poll-ms', '1']);
      expect(stderr.split('\n')).toEqual([
        expect.stringMatching(/^\[\d+\.\ds\] 0\/8 runs; running: no runs yet$/),
        expect.stringMatching(/^\[\d+\.\ds\] 2\/8 runs; running: 2 ok$/),
        expect.stringMatching(/^\[\d+\.\ds\] 8\/8 runs; completed: 6 ok, 2 skipped$/),
        '',
      ]);
      expect(code).toBe(0);
      expect(stdout).toMatch(/Status +│ completed/);
      expect(stdout).toMatch(/Runs +│ 8 of 8 recorded: 6 ok, 2 skipped/);
      expect(stdout).toMatch(/lab-01 +│ nrf52840 +│ mips1/);
      expect(stdout).toMatch(/Report: `vmfleet bench report 1`\.\n$/);
    });

    it('--wait draws a progress bar on a terminal', async () => {
      gateway.progress = [{ counts: { ok: 8 }, status: 'completed' }];
      const stream = Object.assign(new PassThrough(), { isTTY: true, columns: 100 });
      let drawn = '';
      stream.on('data', (chunk: Buffer) => (drawn += chunk.toString('utf8')));
      const run = await vmfleet([...RUN, '--wait', '--poll-ms', '1'], {
        stdoutIsTTY: true,
        progressStream: stream,
        env: { NO_COLOR: '1', VMFLEET_URL: gateway.url, VMFLEET_API_TOKEN: TEST_TOKEN },
      });
      expect(run.code).toBe(0);
      expect(drawn).toMatch(/runs \[[█░]+\] 8\/8 8 ok/);
      expect(run.stderr).toBe('');
    });

    it.each([
      [
        { counts: { ok: 6, invalid: 1, failed: 1 }, status: 'completed' },
        '6 ok, 1 invalid, 1 failed',
      ],
      [{ counts: { ok: 2 }, status: 'cancelled' }, '2 ok'],
    ])(
      '--wait exits 1 when a run went wrong or the campaign was cancelled',
      async (end, counts) => {
        gateway.progress = [end];
        const { code, stdout, stderr } = await vmfleet([
          ...RUN,
          '--wait',
          '--poll-ms',
          '1',
          '--json',
        ]);
        expect(code).toBe(1);
        // Under --json the error is JSON too, on stderr: stdout keeps the campaign.
        expect(JSON.parse(stderr)).toEqual({
          error: { code: 'failed', message: `campaign 1 ${end.status}: ${counts}` },
        });
        expect(JSON.parse(stdout)).toMatchObject({ id: 1, status: end.status });
      },
    );

    describe('--wait without native builds on the devices', () => {
      const noBuild = (program: string) =>
        `skipped: no native build of ${program} on this device (make -C firmware native; needs gcc)`;
      const cell = (program: string, vm: string, emptyReason: string | null) => ({
        suite: 'coisa',
        program,
        vm,
        emptyReason,
      });

      beforeEach(() => {
        gateway.progress = [{ counts: { ok: 4, skipped: 4 }, status: 'completed' }];
        gateway.reportJson = {
          cells: [
            cell('fibonacci', 'mips1', null),
            cell('fibonacci', 'native', noBuild('fibonacci')),
            cell('sieve', 'mips1', null),
            cell('sieve', 'native', noBuild('sieve')),
          ],
        };
      });

      it('says so once, with the command that builds them, and exits 1', async () => {
        const { code, stdout, stderr } = await vmfleet([...RUN, '--wait', '--poll-ms', '1']);
        expect(code).toBe(1);
        expect(stdout).toMatch(/Status +│ completed/);
        const errors = stderr.split('\n').filter((l) => l.startsWith('error:'));
        expect(errors).toEqual([
          'error: no native baseline for 2 programs: the devices have no native builds. ' +
            'Build them with `make -C firmware native` (needs gcc) where the devices run, ' +
            'or leave the baseline out with --no-native.',
        ]);
      });

      it('is not asked about with --no-native', async () => {
        const { code } = await vmfleet([...RUN, '--no-native', '--wait', '--poll-ms', '1']);
        expect(code).toBe(0);
        expect(gateway.requests.some((r) => r.path.endsWith('/report'))).toBe(false);
      });

      it('does not blame the builds for a native cell empty for another reason', async () => {
        gateway.reportJson = {
          cells: [cell('sieve', 'native', 'skipped: bench {native} is unsupported on RIOT')],
        };
        const { code } = await vmfleet([...RUN, '--wait', '--poll-ms', '1']);
        expect(code).toBe(0);
      });
    });

    it('shows the gateway’s refusal as other commands do', async () => {
      const { code, stdout, stderr } = await vmfleet([
        ...['bench', 'run', '--program', 'nope', '--device', 'lab-01'],
      ]);
      expect([code, stdout]).toEqual([1, '']);
      expect(stderr).toBe(
        'error: programs: unknown program nope; known: fibonacci, sieve (invalid_input, HTTP 400)\n',
      );
    });
  });

  it.each([
    [['--suite', 'coisa', '--program', 'sieve', '--tag', 't'], 2, '--suite <suite…> or --program'],
    [['--tag', 't'], 2, 'say what to run: --suite <suite…> or --program <name…>'],
    [['--suite', 'coisa'], 2, 'say which devices: --device <id…> or --tag <tag>'],
    [['--suite', 'coisa', '--tag', 't', '--device', 'd'], 2, 'say which devices'],
    [['--suite', 'spec'], 1, "argument 'spec' is invalid. Allowed choices are coisa, embench"],
    [['--program', 'Sieve'], 1, "option '--program <name...>' argument 'Sieve' is invalid"],
    [['--suite', 'coisa', '--vm', 'java'], 1, 'Allowed choices are mips1, ebpf, wasm'],
    [['--suite', 'coisa', '--reps', '0'], 1, 'expected a whole number from 1 to 50'],
    [['--suite', 'coisa', '--reps', '51'], 1, "option '--reps <n>' argument '51' is invalid"],
    [['--suite', 'coisa', '--offline-grace', 'soon'], 1, "'--offline-grace <ms>' argument"],
    [['--suite', 'coisa', '--profile', 'O3'], 1, 'Allowed choices are O2, Os'],
    [['--suite', 'coisa', '--name', ''], 1, "option '--name <name>' argument '' is invalid"],
  ])('`bench run %j` is refused before asking the gateway', async (args, exit, message) => {
    const { code, stdout, stderr } = await vmfleet(['bench', 'run', ...args]);
    expect(code).toBe(exit);
    expect(stderr).toContain(message);
    expect(stdout).toBe('');
    expect(gateway.requests).toHaveLength(0);
  });

  it('lists campaigns as a table or JSON, filtered by status', async () => {
    expect((await vmfleet(['bench', 'list'])).stdout).toBe(
      'No campaigns; start one with `vmfleet bench run`.\n',
    );
    gateway.campaigns.set(1, makeCampaign(1, { name: 'nightly', status: 'completed' }));
    gateway.campaigns.set(2, makeCampaign(2, { recordedRuns: 3, counts: { ok: 2, failed: 1 } }));
    const table = await vmfleet(['bench', 'list']);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/Id │ Name +│ Status +│ Programs │ VMs +│ Devices │ Runs/);
    expect(table.stdout).toMatch(
      /2 │ - +│ running +│ +2 │ mips1, native │ +1 │ 3\/8 +│ 2 ok, 1 failed/,
    );
    expect(table.stdout).toMatch(/1 │ nightly │ completed │/);
    const json = await vmfleet(['bench', 'ls', '--status', 'running', '--limit', '5', '--json']);
    expect((JSON.parse(json.stdout) as Array<{ id: number }>).map((c) => c.id)).toEqual([2]);
    expect(Object.fromEntries(gateway.requests[2].query)).toEqual({
      status: 'running',
      limit: '5',
    });
  });

  it('shows one campaign, and says when there is none', async () => {
    gateway.campaigns.set(
      4,
      makeCampaign(4, { vms: ['mips1'], target: { devices: ['lab-01'] }, sequential: true }),
    );
    const { code, stdout } = await vmfleet(['bench', 'show', '4']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/Programs +│ 2: fibonacci, sieve/);
    expect(stdout).toMatch(/VMs +│ mips1 +│/);
    expect(stdout).toMatch(/Target +│ lab-01/);
    expect(stdout).toMatch(/Order +│ one device at a time/);
    expect(stdout).toMatch(/Runs +│ 0 of 8 recorded: no runs yet/);
    expect(JSON.parse((await vmfleet(['bench', 'show', '4', '--json'])).stdout)).toMatchObject({
      id: 4,
    });
    const missing = await vmfleet(['bench', 'show', '9']);
    expect(missing).toMatchObject({
      code: 1,
      stderr: 'error: no benchmark campaign 9 (campaign_not_found, HTTP 404)\n',
    });
    const bad = await vmfleet(['bench', 'show', 'x']);
    expect(bad.stderr).toContain("value 'x' is invalid for argument 'id'. a campaign id");
  });

  it('cancels a running campaign and refuses to cancel one that has ended', async () => {
    gateway.campaigns.set(1, makeCampaign(1, { recordedRuns: 2, counts: { ok: 2 } }));
    const done = await vmfleet(['bench', 'cancel', '1']);
    expect(done).toMatchObject({
      code: 0,
      stdout: 'Cancelled campaign 1: 2 of 8 runs recorded (2 ok).\n',
    });
    const again = await vmfleet(['bench', 'cancel', '1']);
    expect(again).toMatchObject({
      code: 1,
      stderr: 'error: campaign 1 is cancelled: cannot cancel it (bad_campaign_state, HTTP 409)\n',
    });
  });

  it('writes a report to stdout or to a file, the format from --format or the extension', async () => {
    gateway.campaigns.set(3, makeCampaign(3, { status: 'completed' }));
    expect(await vmfleet(['bench', 'report', '3'])).toMatchObject({
      code: 0,
      stdout: 'report 3 as md\n',
    });
    expect((await vmfleet(['bench', 'report', '3', '--format', 'csv'])).stdout).toBe(
      'report 3 as csv\n',
    );
    const saved = await vmfleet(['bench', 'report', '3', '--out', 'charts.svg']);
    expect(saved.stdout).toBe('Saved the svg report of campaign 3 to charts.svg (15 B).\n');
    expect(fs.readFileSync(path.join(dir, 'charts.svg'), 'utf8')).toBe('report 3 as svg');
    await vmfleet(['bench', 'report', '3', '--format', 'json', '--out', 'r.txt']);
    expect(fs.readFileSync(path.join(dir, 'r.txt'), 'utf8')).toBe('report 3 as json');
    expect(gateway.requests.map((r) => r.query.get('format'))).toEqual([
      'md',
      'csv',
      'svg',
      'json',
    ]);
    const refused = await vmfleet(['bench', 'report', '3', '--format', 'pdf']);
    expect(refused.stderr).toContain('Allowed choices are md, csv, json, svg');
  });

  it('compares two campaigns', async () => {
    gateway.campaigns.set(1, makeCampaign(1));
    gateway.campaigns.set(2, makeCampaign(2));
    expect((await vmfleet(['bench', 'compare', '1', '2'])).stdout).toBe(
      '# Comparison: campaign 2 vs campaign 1\n',
    );
    const json = await vmfleet(['bench', 'compare', '1', '2', '--format', 'json']);
    expect(JSON.parse(json.stdout)).toEqual({ baseline: { campaignIds: [1] } });
    expect(gateway.requests[1].path).toBe('/api/benchmarks/1/compare/2');
    const missing = await vmfleet(['bench', 'compare', '1', '7']);
    expect(missing).toMatchObject({ code: 1, stderr: expect.stringContaining('campaign 7') });
  });
});
