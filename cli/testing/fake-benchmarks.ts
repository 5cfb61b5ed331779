import type { Campaign } from '../../src/protocol/api';
import { fail, TEST_TOKEN } from './fake-gateway';
import {
  startStubServer,
  type StubRequest,
  type StubResponse,
  type StubServer,
} from './stub-server';

/**
 * Test helper: the gateway's `/api/benchmarks` endpoints in memory, on a real HTTP server.
 * A campaign advances one step of `progress` per `GET /api/benchmarks/:id`, so `--wait`
 * sees it run and end without any device.
 */

const NO_RUNS = { ok: 0, invalid: 0, failed: 0, missing: 0, skipped: 0 };

export function makeCampaign(id: number, overrides: Partial<Campaign> = {}): Campaign {
  return {
    id,
    name: null,
    status: 'running',
    reason: null,
    programs: ['fibonacci', 'sieve'],
    vms: null,
    native: true,
    repetitions: 2,
    sequential: false,
    target: { tag: 'bench' },
    devices: [{ id: 'lab-01', board: 'nrf52840', vm: 'mips1' }],
    plannedRuns: 8,
    recordedRuns: 0,
    counts: { ...NO_RUNS },
    createdAt: '2024-05-01T12:00:00.000Z',
    updatedAt: '2024-05-01T12:00:00.000Z',
    finishedAt: null,
    ...overrides,
  };
}

/** The next state of a running campaign: its counts, and its status once it ends. */
export interface ProgressStep {
  counts: Partial<Record<keyof typeof NO_RUNS, number>>;
  status?: string;
}

export class FakeBenchmarks {
  readonly campaigns = new Map<number, Campaign>();
  /** What each new campaign goes through, one step per GET. */
  progress: ProgressStep[] = [];
  /** The body of `report?format=json`; a placeholder text when unset. */
  reportJson?: unknown;
  private readonly pending = new Map<number, ProgressStep[]>();

  private constructor(private readonly server: StubServer) {}

  static async start(): Promise<FakeBenchmarks> {
    const routes: { fake?: FakeBenchmarks } = {};
    const server = await startStubServer((req) => routes.fake!.handle(req));
    routes.fake = new FakeBenchmarks(server);
    return routes.fake;
  }

  get url(): string {
    return this.server.url;
  }

  get requests(): StubRequest[] {
    return this.server.requests;
  }

  close(): Promise<void> {
    return this.server.close();
  }

  private handle(req: StubRequest): StubResponse {
    if (req.headers.authorization !== `Bearer ${TEST_TOKEN}`) {
      return fail(401, 'unauthorized', 'missing or invalid API token');
    }
    if (req.path === '/api/benchmarks') {
      return req.method === 'POST' ? this.create(req.body) : this.list(req.query);
    }
    const match = /^\/api\/benchmarks\/(\d+)(?:\/(\w+))?(?:\/(\d+))?$/.exec(req.path);
    const campaign = match ? this.campaigns.get(Number(match[1])) : undefined;
    if (!match) return fail(404, 'not_found', `no route ${req.method} ${req.path}`);
    if (!campaign) {
      return fail(404, 'campaign_not_found', `no benchmark campaign ${match[1]}`);
    }
    const format = req.query.get('format') ?? 'md';
    switch (match[2]) {
      case undefined:
        return { status: 200, body: this.advance(campaign) };
      case 'cancel':
        return this.cancel(campaign);
      case 'report':
        if (format === 'json' && this.reportJson !== undefined) {
          return { status: 200, body: this.reportJson };
        }
        return text(`report ${campaign.id} as ${format}`, format === 'svg' ? 'image/svg+xml' : '');
      case 'compare':
        return this.compare(campaign, Number(match[3]), format);
      default:
        return fail(404, 'not_found', `no route ${req.method} ${req.path}`);
    }
  }

  private create(body: unknown): StubResponse {
    const request = body as { name?: string; programs?: string[]; repetitions?: number };
    if (request.programs?.includes('nope')) {
      return fail(400, 'invalid_input', 'programs: unknown program nope; known: fibonacci, sieve');
    }
    const id = this.campaigns.size + 1;
    const campaign = makeCampaign(id, {
      name: request.name ?? null,
      repetitions: request.repetitions ?? 5,
    });
    this.campaigns.set(id, campaign);
    this.pending.set(id, [...this.progress]);
    return { status: 201, body: campaign };
  }

  private list(query: URLSearchParams): StubResponse {
    const status = query.get('status');
    const items = [...this.campaigns.values()]
      .filter((c) => !status || c.status === status)
      .sort((a, b) => b.id - a.id)
      .slice(0, Number(query.get('limit') ?? 100));
    return { status: 200, body: { items } };
  }

  private advance(campaign: Campaign): Campaign {
    const step = this.pending.get(campaign.id)?.shift();
    if (!step) return campaign;
    campaign.counts = { ...NO_RUNS, ...step.counts };
    campaign.recordedRuns = Object.values(campaign.counts).reduce((a, b) => a + b, 0);
    if (step.status) {
      campaign.status = step.status;
      campaign.finishedAt = '2024-05-01T12:03:00.000Z';
    }
    return campaign;
  }

  private cancel(campaign: Campaign): StubResponse {
    if (campaign.status !== 'running') {
      const message = `campaign ${campaign.id} is ${campaign.status}: cannot cancel it`;
      return fail(409, 'bad_campaign_state', message);
    }
    Object.assign(campaign, { status: 'cancelled', reason: 'cancelled' });
    return { status: 200, body: campaign };
  }

  private compare(campaign: Campaign, other: number, format: string): StubResponse {
    if (!this.campaigns.has(other)) {
      return fail(404, 'campaign_not_found', `no benchmark campaign ${other}`);
    }
    if (format === 'json')
      return { status: 200, body: { baseline: { campaignIds: [campaign.id] } } };
    return text(`# Comparison: campaign ${other} vs campaign ${campaign.id}\n`, 'text/markdown');
  }
}

function text(body: string, contentType: string): StubResponse {
  return { status: 200, bytes: Buffer.from(body), contentType: contentType || 'text/plain' };
}
