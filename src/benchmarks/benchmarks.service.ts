import { Injectable, Logger } from '@nestjs/common';
import {
  CampaignNotFoundError,
  CampaignStateError,
  InvalidInputError,
} from '../common/domain-error';
import { DevicesService } from '../devices/devices.service';
import type { Device } from '../devices/domain/device';
import { BenchmarkRunner } from './benchmark-runner';
import { BenchmarksRepository } from './benchmarks.repository';
import {
  type Campaign,
  type CampaignSpec,
  type CampaignStatus,
  plannedRuns,
  profileOf,
  resolvePrograms,
  vmsOf,
} from './domain/campaign';
import { BENCH_SUITES, type BenchSuite } from '../protocol/bench-catalog';
import { compare, type Comparison } from './domain/comparison';
import { aggregate, type BenchReport, type RunRecord, type RunStatus } from './domain/results';
import type { CampaignMeta } from './domain/campaign-meta';
import type { BoardFootprint } from './domain/footprint';
import type { CreateCampaignInput } from './dto/benchmark.dto';
import { FootprintsService } from './footprints.service';

export interface CampaignReport {
  report: BenchReport;
  meta: CampaignMeta;
  /** The VM footprint tables of the campaign's boards (FootprintsService.forBoards). */
  footprints: BoardFootprint[];
}

/** The campaign use cases: create (plan and start), list, show, cancel, report, compare. */
@Injectable()
export class BenchmarksService {
  private readonly logger = new Logger('Benchmarks');

  constructor(
    private readonly repo: BenchmarksRepository,
    private readonly runner: BenchmarkRunner,
    private readonly devices: DevicesService,
    private readonly footprints: FootprintsService,
  ) {}

  async create(input: CreateCampaignInput): Promise<Campaign> {
    const suites: BenchSuite[] =
      input.suite === undefined ? [...BENCH_SUITES] : ([] as BenchSuite[]).concat(input.suite);
    let programs;
    try {
      programs = resolvePrograms(suites, input.programs);
    } catch (err) {
      throw new InvalidInputError((err as Error).message, ['programs']);
    }
    const devices = (await this.devices.resolveTarget(input.target)).map((d: Device) => ({
      id: d.id,
      board: d.board,
      vm: d.vm.kind,
    }));
    const spec: CampaignSpec = {
      programs,
      vms: input.vms ?? null,
      native: input.native,
      repetitions: input.repetitions,
      profile: input.profile,
      sequential: input.sequential,
      offlineGraceMs: input.offlineGraceMs,
      target: input.target,
    };
    const measured = devices.filter((d) => vmsOf(spec, d).length > 0);
    if (measured.length === 0) {
      throw new InvalidInputError('no targeted device runs any of the VMs asked for', ['vms']);
    }
    const now = Date.now();
    const id = await this.repo.insert({
      name: input.name ?? null,
      spec,
      devices: measured,
      plannedRuns: plannedRuns(spec, measured),
      status: 'running',
      reason: null,
      createdAt: now,
      updatedAt: now,
      finishedAt: null,
    });
    const campaign = await this.get(id);
    this.logger.log(
      `campaign ${id}: ${programs.length} programs × ${measured.length} devices × ${spec.repetitions} = ${campaign.plannedRuns} runs`,
    );
    this.runner.start(campaign);
    return campaign;
  }

  async get(id: number): Promise<Campaign> {
    const c = await this.repo.find(id);
    if (!c) throw new CampaignNotFoundError(id);
    return c;
  }

  list(status?: CampaignStatus, limit?: number): Promise<Campaign[]> {
    return this.repo.list(status, limit);
  }

  counts(id: number): Promise<Record<RunStatus, number>> {
    return this.repo.countRuns(id);
  }

  runs(id: number): Promise<RunRecord[]> {
    return this.repo.runsOf(id);
  }

  async cancel(id: number): Promise<Campaign> {
    const c = await this.get(id);
    if (c.status !== 'running') throw new CampaignStateError(id, c.status, 'cancel');
    this.runner.cancel(id);
    await this.runner.settled(id);
    // Not running in this process (e.g. it never resumed): end it here.
    const after = await this.get(id);
    if (after.status === 'running') {
      const now = Date.now();
      await this.repo.update(id, {
        status: 'cancelled',
        reason: 'cancelled',
        updatedAt: now,
        finishedAt: now,
      });
    }
    return this.get(id);
  }

  async report(id: number): Promise<CampaignReport> {
    const { campaign, report, meta } = await this.campaignResults(id);
    const footprints = await this.footprints.forBoards(campaign.devices.map((d) => d.board));
    return { report, meta, footprints };
  }

  async compare(baseline: number, candidate: number): Promise<Comparison> {
    const [a, b] = await Promise.all([
      this.campaignResults(baseline),
      this.campaignResults(candidate),
    ]);
    return compare(a.report, b.report);
  }

  private async campaignResults(id: number) {
    const c = await this.get(id);
    const runs = await this.repo.runsOf(id);
    const vms = [...new Set(c.devices.flatMap((d) => vmsOf(c.spec, d)))];
    const report = aggregate(runs, { programs: c.spec.programs, vms });
    const meta: CampaignMeta = {
      id: c.id,
      name: c.name,
      suites: [...new Set(c.spec.programs.map((p) => p.suite))],
      vms: report.vms,
      devices: c.devices.map((d) => d.id),
      repetitions: c.spec.repetitions,
      profile: profileOf(c.spec),
      createdAt: c.createdAt,
      finishedAt: c.finishedAt,
    };
    return { campaign: c, report, meta };
  }
}
