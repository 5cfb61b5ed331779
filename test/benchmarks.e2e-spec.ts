import type { VirtualDevice } from '../devices';
import { startTestGateway, type TestGateway, waitFor } from './support/gateway';
import { startDevices } from './support/ota';

interface CampaignView {
  id: number;
  status: string;
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
});
