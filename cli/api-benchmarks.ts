import { errorFromResponse } from './api-response';
import { ApiTransport, type ApiClientOptions } from './api-transport';
import {
  campaignListSchema,
  campaignSchema,
  footprintsSchema,
  type Campaign,
  type Footprints,
} from '../src/protocol/api';

/**
 * The benchmark campaign endpoints (`/api/benchmarks`, docs/benchmarks.md). Kept beside
 * ApiClient rather than in it: reports and comparisons come back as text bodies (Markdown,
 * CSV, SVG) that the CLI passes on as they are.
 */

/** Run statuses in the order the CLI shows them: measured first, then why not. */
export const RUN_STATUSES = ['ok', 'invalid', 'failed', 'missing', 'skipped'] as const;
export const CAMPAIGN_STATUSES = ['running', 'completed', 'cancelled'] as const;
export const REPORT_FORMATS = ['md', 'csv', 'json', 'svg'] as const;
export const COMPARE_FORMATS = ['md', 'json'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];
export type CompareFormat = (typeof COMPARE_FORMATS)[number];

/** What `POST /api/benchmarks` takes; the gateway fills in the defaults. */
export interface CreateCampaign {
  name?: string;
  suite?: string[];
  programs?: string[];
  vms?: string[];
  target: { devices: string[] } | { tag: string };
  repetitions?: number;
  profile?: string;
  native?: boolean;
  sequential?: boolean;
  offlineGraceMs?: number;
}

/** Rendering every chart of a large campaign as SVG takes a while on a busy gateway. */
const REPORT_TIMEOUT_MS = 60_000;

export class BenchmarkApi {
  private readonly http: ApiTransport;

  constructor(options: ApiClientOptions) {
    this.http = new ApiTransport(options);
  }

  create(body: CreateCampaign): Promise<Campaign> {
    return this.http.request({
      method: 'POST',
      path: '/api/benchmarks',
      body,
      schema: campaignSchema,
    });
  }

  async list(filter: { status?: string; limit?: number } = {}): Promise<Campaign[]> {
    const list = await this.http.request({
      method: 'GET',
      path: '/api/benchmarks',
      query: { status: filter.status, limit: filter.limit?.toString() },
      schema: campaignListSchema,
    });
    return list.items;
  }

  get(id: number): Promise<Campaign> {
    return this.http.request({ method: 'GET', path: campaignPath(id), schema: campaignSchema });
  }

  cancel(id: number): Promise<Campaign> {
    return this.http.request({
      method: 'POST',
      path: `${campaignPath(id)}/cancel`,
      schema: campaignSchema,
    });
  }

  /** Stores a vmfleet-footprint/1 file as it is (the gateway checks it); answers with all stored. */
  uploadFootprints(file: unknown): Promise<Footprints> {
    return this.http.request({
      method: 'POST',
      path: '/api/benchmarks/footprints',
      body: file,
      schema: footprintsSchema,
    });
  }

  footprints(): Promise<Footprints> {
    return this.http.request({
      method: 'GET',
      path: '/api/benchmarks/footprints',
      schema: footprintsSchema,
    });
  }

  /** The report's body exactly as the gateway rendered it. */
  report(id: number, format: ReportFormat): Promise<string> {
    return this.text(`${campaignPath(id)}/report`, format);
  }

  /** Candidate ÷ baseline per program × VM × metric, as Markdown or JSON text. */
  compare(baseline: number, candidate: number, format: CompareFormat): Promise<string> {
    return this.text(`${campaignPath(baseline)}/compare/${candidate}`, format);
  }

  private async text(path: string, format: string): Promise<string> {
    const url = this.http.urlFor(path, { format });
    const spec = { method: 'GET', path, accept: '*/*', timeoutMs: REPORT_TIMEOUT_MS } as const;
    const response = await this.http.send(url, spec);
    const text = await response.text();
    if (!response.ok) throw errorFromResponse(response, text);
    return text;
  }
}

function campaignPath(id: number): string {
  return `/api/benchmarks/${id}`;
}
