import type { DeploymentDetail } from '../../src/protocol/api';
import { EXIT } from '../exit-codes';
import { runCli } from '../main';
import { captureIo } from '../testing/capture-io';
import { fail, TEST_TOKEN } from '../testing/fake-gateway';
import { startStubServer, type StubServer } from '../testing/stub-server';

type Target = DeploymentDetail['targets'][number];

function target(deviceId: string, state: string, reason: string | null = null): Target {
  const code = state === 'skipped' ? 'incompatible' : null;
  const updatedAt = '2024-05-01T12:00:00.000Z';
  return { deviceId, wave: 0, state, code, reason, updatedAt, bytesSent: 0 };
}

/** A finished deployment of blinky@1.2.0 whose counts follow from its targets. */
function finished(targets: Target[], status = 'completed'): DeploymentDetail {
  const counts: Record<string, number> = {};
  for (const t of targets) counts[t.state] = (counts[t.state] ?? 0) + 1;
  return {
    id: 7,
    app: { name: 'blinky', version: '1.2.0', vm: 'mips1' },
    strategy: { kind: 'all-at-once' },
    failureThreshold: 10,
    healthWindowMs: 10_000,
    status,
    currentWave: 0,
    waveCount: 1,
    reason: null,
    createdAt: '2024-05-01T12:00:00.000Z',
    updatedAt: '2024-05-01T12:00:00.000Z',
    finishedAt: '2024-05-01T12:00:00.000Z',
    devices: targets.length,
    counts,
    targets,
  };
}

describe('vmfleet deploy', () => {
  let server: StubServer;
  let deployment: DeploymentDetail;

  beforeEach(async () => {
    server = await startStubServer((req) => {
      if (req.headers.authorization !== `Bearer ${TEST_TOKEN}`) {
        return fail(401, 'unauthorized', 'missing or invalid API token');
      }
      if (req.path === '/api/deployments' && req.method === 'POST') {
        return { status: 201, body: deployment };
      }
      if (req.path === `/api/deployments/${deployment.id}`)
        return { status: 200, body: deployment };
      return fail(404, 'app_not_found', 'app blinky@1.2.0 not found');
    });
  });

  afterEach(async () => {
    await server.close();
  });

  async function vmfleet(...args: string[]) {
    const captured = captureIo({ env: { VMFLEET_URL: server.url, VMFLEET_API_TOKEN: TEST_TOKEN } });
    const code = await runCli(args, { io: captured.io });
    return { code, stdout: captured.stdout(), stderr: captured.stderr() };
  }

  const waitArgs = ['deploy', 'blinky@1.2.0', '--device', 'a', 'b', '--wait', '--poll-ms', '1'];

  it('exits 3 with --wait when every target was skipped as incompatible', async () => {
    deployment = finished([
      target('a', 'skipped', 'device runs lua, app is for mips1'),
      target('b', 'skipped', 'device runs wasm, app is for mips1'),
    ]);
    const { code, stdout, stderr } = await vmfleet(...waitArgs);
    expect(code).toBe(EXIT.nothingInstalled);
    expect(code).toBe(3);
    expect(stdout).toMatch(/Status\s+│ completed/);
    expect(stderr).toContain(
      'error: deployment 7 installed blinky@1.2.0 on no device: 2 skipped; e.g. a: device runs lua, app is for mips1\n',
    );
  });

  it('exits 0 with --wait when some devices took the app and the rest were skipped', async () => {
    deployment = finished([target('a', 'healthy'), target('b', 'skipped', 'runs lua')]);
    await expect(vmfleet(...waitArgs)).resolves.toMatchObject({ code: EXIT.ok });
  });

  it('exits 1 with --wait when a device rolled back', async () => {
    deployment = finished([target('a', 'healthy'), target('b', 'rolled-back')], 'halted');
    const { code, stderr } = await vmfleet(...waitArgs);
    expect(code).toBe(EXIT.failed);
    expect(stderr).toContain('error: deployment 7 halted: 1 healthy, 1 rolled-back');
  });

  it('exits 2 without --device or --tag, before calling the gateway', async () => {
    const { code, stderr } = await vmfleet('deploy', 'blinky@1.2.0');
    expect([code, stderr]).toEqual([EXIT.usage, expect.stringContaining('say which devices')]);
    expect(server.requests).toEqual([]);
  });

  it('shows the default strategy as it is typed, not as JSON', async () => {
    const { stdout } = await vmfleet('deploy', '--help');
    expect(stdout).toMatch(
      /--strategy <s> +all \| canary:<n> \| waves:<p1,p2,…,100> \(default:\s+all\)/,
    );
  });
});
