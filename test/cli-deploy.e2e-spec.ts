import type { VirtualDevice } from '../devices';
import { parseStrategy, parseWindow } from '../cli/commands/deploy';
import { runCli } from '../cli/main';
import { captureIo } from '../cli/testing/capture-io';
import { startTestGateway, TestGateway } from './support/gateway';
import { firmwareImage, publishApp, startDevices } from './support/ota';

describe('deploy arguments', () => {
  it.each([
    ['all', { kind: 'all-at-once' }],
    ['canary:2', { kind: 'canary', count: 2 }],
    ['waves:10,50,100', { kind: 'waves', percents: [10, 50, 100] }],
  ])('--strategy %s', (value, strategy) => {
    expect(parseStrategy(value)).toEqual(strategy);
  });

  it.each(['canary', 'canary:0', 'waves:50', 'waves:50,40,100', 'waves:10,50,99', 'rolling'])(
    'refuses --strategy %s',
    (value) => {
      expect(() => parseStrategy(value)).toThrow(/expected all, canary:<devices> or waves:/);
    },
  );

  it.each([
    ['500ms', 500],
    ['10s', 10_000],
    ['2m', 120_000],
    ['250', 250],
  ])('--health-window %s = %d ms', (value, ms) => {
    expect(parseWindow(value)).toBe(ms);
  });
});

describe('vmfleet deploy and deployments against the real gateway (e2e)', () => {
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

  async function vmfleet(...args: string[]) {
    const captured = captureIo({
      env: { VMFLEET_URL: gw.httpUrl, VMFLEET_API_TOKEN: gw.apiToken },
    });
    const code = await runCli(args, { io: captured.io });
    return { code, stdout: captured.stdout(), stderr: captured.stderr() };
  }

  it('deploys with --wait, shows progress lines and the result, and lists the deployment', async () => {
    devices = await startDevices(gw, { prefix: 'cli', count: 3, tags: ['lab'] });
    await publishApp(gw, 'blinky', '1.0.0', firmwareImage('blink'));
    const run = await vmfleet(
      'deploy',
      'blinky@1.0.0',
      '--tag',
      'lab',
      '--strategy',
      'canary:1',
      '--health-window',
      '100ms',
      '--wait',
      '--poll-ms',
      '50',
    );
    expect(run.stderr).toMatch(/^\[\d+\.\ds\] 0\/3 done; running, wave 1\/2: /m);
    expect(run.stderr).toMatch(/3\/3 done; completed, wave 2\/2: 3 healthy$/m);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/Status +│ completed: 3 healthy/);
    expect(run.stdout).toMatch(/Strategy +│ canary 1, then the rest/);
    for (const id of ['cli-01', 'cli-02', 'cli-03']) {
      expect(run.stdout).toMatch(new RegExp(`${id} +│ +\\d +│ healthy`));
    }

    const list = await vmfleet('deployments', 'list', '--json');
    expect(list.code).toBe(0);
    expect(JSON.parse(list.stdout)).toMatchObject([
      { id: 1, app: { name: 'blinky', version: '1.0.0' }, status: 'completed', devices: 3 },
    ]);
  }, 30_000);

  it('exits 1 with the reason when devices roll back, and refuses a bad target or state', async () => {
    devices = await startDevices(gw, { prefix: 'bad', count: 2, tags: ['lab'] });
    await publishApp(gw, 'blinky', '1.0.0', firmwareImage('blink'));
    await publishApp(gw, 'blinky', '2.0.0', firmwareImage('wild-store'));
    expect(
      (await vmfleet('deploy', 'blinky@1.0.0', '--tag', 'lab', '--health-window', '50ms', '--wait'))
        .code,
    ).toBe(0);
    const bad = await vmfleet(
      'deploy',
      'blinky@2.0.0',
      '--device',
      'bad-01',
      '--device',
      'bad-02',
      '--wait',
      '--json',
    );
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/deployment 2 halted: 2 rolled-back/);
    expect(JSON.parse(bad.stdout).targets.map((t: { code: string }) => t.code)).toEqual([
      'app_fault',
      'app_fault',
    ]);

    const both = await vmfleet('deploy', 'blinky@1.0.0', '--tag', 'lab', '--device', 'bad-01');
    expect(both).toMatchObject({ code: 2 });
    expect(both.stderr).toMatch(/--device <id…> or --tag <tag> \(one of them\)/);
    const done = await vmfleet('deployments', 'pause', '1');
    expect(done.code).toBe(1);
    expect(done.stderr).toMatch(/deployment 1 is completed: cannot pause it/);
    const cancel = await vmfleet('deployments', 'cancel', '2');
    expect(cancel).toMatchObject({ code: 0 });
    expect(cancel.stdout).toMatch(/Cancelled deployment 2 \(blinky@2\.0\.0\)/);
  }, 30_000);
});
