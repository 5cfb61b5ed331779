import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { BenchmarkCampaignEntity, BenchmarkRunEntity } from './benchmark.entities';
import type { Campaign, CampaignStatus } from './domain/campaign';
import type { BenchSuite, RunRecord, RunStatus } from './domain/results';

export type NewCampaign = Omit<Campaign, 'id'>;
export type CampaignPatch = Partial<
  Pick<Campaign, 'status' | 'reason' | 'updatedAt' | 'finishedAt'>
>;

@Injectable()
export class BenchmarksRepository {
  constructor(
    @InjectRepository(BenchmarkCampaignEntity)
    private readonly campaigns: Repository<BenchmarkCampaignEntity>,
    @InjectRepository(BenchmarkRunEntity) private readonly runs: Repository<BenchmarkRunEntity>,
  ) {}

  async insert(c: NewCampaign): Promise<number> {
    const saved = await this.campaigns.save(this.campaigns.create(c));
    return saved.id;
  }

  async find(id: number): Promise<Campaign | null> {
    const row = await this.campaigns.findOne({ where: { id } });
    return row ? toCampaign(row) : null;
  }

  /** Newest first. */
  async list(status?: CampaignStatus, limit = 100): Promise<Campaign[]> {
    const rows = await this.campaigns.find({
      where: status ? { status } : {},
      order: { id: 'DESC' },
      take: limit,
    });
    return rows.map(toCampaign);
  }

  async update(id: number, patch: CampaignPatch): Promise<void> {
    await this.campaigns.update({ id }, patch);
  }

  /** Ends a campaign that is still running; false when it had ended already (cancelled elsewhere). */
  async finish(id: number, patch: CampaignPatch): Promise<boolean> {
    const result = await this.campaigns.update({ id, status: 'running' }, patch);
    return (result.affected ?? 1) > 0;
  }

  /** Records a run; a run recorded before (a resumed campaign) is replaced. */
  async record(run: RunRecord): Promise<void> {
    await this.runs.save(this.runs.create(run));
  }

  async runsOf(campaignId: number): Promise<RunRecord[]> {
    const rows = await this.runs.find({
      where: { campaignId },
      order: { deviceId: 'ASC', program: 'ASC', vm: 'ASC', repetition: 'ASC' },
    });
    return rows.map(toRun);
  }

  async countRuns(campaignId: number): Promise<Record<RunStatus, number>> {
    const rows = await this.runs
      .createQueryBuilder('r')
      .select('r.status', 'status')
      .addSelect('COUNT(*)', 'n')
      .where('r.campaign_id = :campaignId', { campaignId })
      .groupBy('r.status')
      .getRawMany<{ status: RunStatus; n: string | number }>();
    const counts = { ok: 0, invalid: 0, failed: 0, missing: 0, skipped: 0 };
    for (const r of rows) counts[r.status] = Number(r.n);
    return counts;
  }
}

function toCampaign(row: BenchmarkCampaignEntity): Campaign {
  return { ...row, status: row.status as CampaignStatus };
}

function toRun(row: BenchmarkRunEntity): RunRecord {
  return {
    ...row,
    suite: row.suite as BenchSuite,
    status: row.status as RunStatus,
    loadMs: row.loadMs === null ? null : Number(row.loadMs),
    execMs: row.execMs === null ? null : Number(row.execMs),
  };
}
