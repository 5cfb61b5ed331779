import type { Deployment } from '../../src/protocol/api';
import { runCli } from '../main';
import { captureIo } from '../testing/capture-io';
import { fail, TEST_TOKEN } from '../testing/fake-gateway';
import { startStubServer, type StubServer } from '../testing/stub-server';

function deployment(id: number, app: string, origin: string): Deployment {
  const at = '2024-05-01T12:00:00.000Z';
  return {
    id,
    app: { name: app, version: '1.0.0', vm: 'mips1' },
    origin,
    strategy: { kind: 'all-at-once' },
    failureThreshold: 10,
    healthWindowMs: 10_000,
    status: 'completed',
    currentWave: 0,
    waveCount: 1,
    reason: null,
    createdAt: at,
    updatedAt: at,
    finishedAt: at,
    devices: 1,
    counts: { running: 1 },
  };
}

describe('vmfleet deployments list', () => {
  let server: StubServer;
  const mine = deployment(2, 'blinky', 'user');
  const campaign = deployment(1, 'bench-sieve-mips1', 'benchmark');

  beforeEach(async () => {
    // As the gateway answers: benchmark campaigns' deployments only with all=true.
    server = await startStubServer((req) => {
      if (req.headers.authorization !== `Bearer ${TEST_TOKEN}`) {
        return fail(401, 'unauthorized', 'missing or invalid API token');
      }
      if (req.path !== '/api/deployments') return fail(404, 'not_found', req.path);
      const all = req.query.get('all') === 'true';
      return { status: 200, body: { items: all ? [mine, campaign] : [mine] } };
    });
  });

  afterEach(async () => {
    await server.close();
  });

  async function vmfleet(...args: string[]) {
    const env = { VMFLEET_URL: server.url, VMFLEET_API_TOKEN: TEST_TOKEN };
    const captured = captureIo({ env });
    const code = await runCli(args, { io: captured.io });
    return { code, stdout: captured.stdout(), stderr: captured.stderr() };
  }

  it('asks for the user’s deployments by default', async () => {
    const { code, stdout } = await vmfleet('deployments', 'list', '--json');
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toEqual([mine]);
    expect(server.requests[0].query.has('all')).toBe(false);
  });

  it('--all asks for benchmark campaigns’ deployments too, with a status filter', async () => {
    const { code, stdout } = await vmfleet('deployments', 'ls', '--all', '--status', 'completed');
    expect(code).toBe(0);
    expect(stdout).toContain('bench-sieve-mips1@1.0.0');
    expect(stdout).toContain('blinky@1.0.0');
    expect(Object.fromEntries(server.requests[0].query)).toEqual({
      status: 'completed',
      all: 'true',
    });
  });
});
