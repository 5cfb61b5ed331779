import {
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnModuleDestroy,
} from '@nestjs/common';
import { LeaseService } from '../cluster/lease.service';
import { AppsService } from '../apps/apps.service';
import { AppNotFoundError } from '../common/domain-error';
import type { App } from '../apps/domain/app';
import { DeploymentsService } from '../deployments/deployments.service';
import { isTerminal } from '../deployments/domain/deployment';
import { DEVICE_LINK, type DeviceLink } from '../link/device-link';
import { MonitorService } from '../monitor/monitor.service';
import { type BenchResult, benchResultSchema } from '../protocol';
import { BenchmarkImages, isMissing } from './benchmark-images';
import { BenchmarksRepository } from './benchmarks.repository';
import {
  type Campaign,
  type CampaignDevice,
  type CampaignStep,
  profileOf,
  stepsOf,
} from './domain/campaign';
import { NATIVE_VM } from '../protocol/bench-catalog';
import type { RunRecord, RunStatus } from './domain/results';

/**
 * A command of a campaign that takes longer than this is given up: a device busy with a
 * long run answers late (virtual devices in one process also wait for each other).
 */
const RUN_TIMEOUT_MS = 120_000;
/** How long one app install may take before the step is given up. */
const INSTALL_TIMEOUT_MS = 120_000;
const POLL_MS = 100;

class DeviceGone extends Error {}
class Cancelled extends Error {}

/**
 * Runs campaigns: per device, program by program, the benchmark image is installed with
 * an ordinary OTA deployment and then measured `repetitions` times with the Thing
 * Monitor's `bench`. Every run is recorded as it ends, so a campaign picks up after a
 * gateway restart at the first run it has no record of.
 */
@Injectable()
export class BenchmarkRunner implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('Benchmarks');
  private readonly active = new Map<number, Promise<void>>();
  private readonly cancelled = new Set<number>();
  private stopping = false;
  private tick?: NodeJS.Timeout;

  constructor(
    private readonly repo: BenchmarksRepository,
    private readonly images: BenchmarkImages,
    private readonly deployments: DeploymentsService,
    private readonly monitor: MonitorService,
    private readonly apps: AppsService,
    @Inject(DEVICE_LINK) private readonly link: DeviceLink,
    private readonly leases: LeaseService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.resume();
    if (!this.leases.shared) return;
    // A campaign whose instance died is picked up here once its lease expires.
    this.tick = setInterval(() => void this.resume(), this.leases.heartbeatMs);
    this.tick.unref();
  }

  private async resume(): Promise<void> {
    try {
      const running = await this.repo.list('running');
      // Cancelled through another instance: the row says so; stop after the run in progress.
      const stillRunning = new Set(running.map((c) => c.id));
      for (const id of this.active.keys()) if (!stillRunning.has(id)) this.cancelled.add(id);
      for (const campaign of running) {
        if (this.active.has(campaign.id) || this.stopping) continue;
        if (!(await this.leases.acquire(leaseOf(campaign.id)))) continue;
        this.logger.log(`resuming campaign ${campaign.id}`);
        this.start(campaign);
      }
    } catch (err) {
      this.logger.warn(`running campaigns: ${(err as Error).message}`);
    }
  }

  onModuleDestroy(): Promise<void> {
    clearInterval(this.tick);
    this.stopping = true;
    return Promise.allSettled([...this.active.values()]).then(() => undefined);
  }

  /** Runs a campaign here unless another live instance runs it (holds its lease). */
  start(campaign: Campaign): void {
    if (this.active.has(campaign.id)) return;
    const lease = leaseOf(campaign.id);
    const run = this.leases
      .acquire(lease)
      .then((mine) =>
        mine ? this.run(campaign).finally(() => this.leases.release(lease)) : undefined,
      )
      .catch((err: Error) => {
        if (!this.stopping) this.logger.error(`campaign ${campaign.id}: ${err.message}`);
      })
      .finally(() => this.active.delete(campaign.id));
    this.active.set(campaign.id, run);
  }

  /** Stops a running campaign after the run in progress on each device. */
  cancel(id: number): void {
    this.cancelled.add(id);
  }

  /** Resolves when the campaign's runner is done (for tests and --wait). */
  settled(id: number): Promise<void> {
    return this.active.get(id) ?? Promise.resolve();
  }

  private async run(campaign: Campaign): Promise<void> {
    await this.images.ensure(profileOf(campaign.spec));
    const done = new Set(
      (await this.repo.runsOf(campaign.id)).map((r) =>
        runKey(r.deviceId, r.program, r.vm, r.repetition),
      ),
    );
    const perDevice = (device: CampaignDevice) => this.runDevice(campaign, device, done);
    if (campaign.spec.sequential) {
      for (const device of campaign.devices) await perDevice(device);
    } else {
      await Promise.all(campaign.devices.map(perDevice));
    }
    if (this.stopping) return;
    const now = Date.now();
    const cancelled = this.cancelled.delete(campaign.id);
    // Only from running: a cancel through another instance in the meantime stands.
    const ended = await this.repo.finish(campaign.id, {
      status: cancelled ? 'cancelled' : 'completed',
      reason: cancelled ? 'cancelled' : null,
      updatedAt: now,
      finishedAt: now,
    });
    const outcome = ended ? (cancelled ? 'cancelled' : 'completed') : 'cancelled elsewhere';
    this.logger.log(`campaign ${campaign.id} ${outcome}`);
  }

  private async runDevice(
    campaign: Campaign,
    device: CampaignDevice,
    done: Set<string>,
  ): Promise<void> {
    const steps = stepsOf(campaign.spec, device);
    for (const [i, step] of steps.entries()) {
      const reps = this.pending(campaign, device, step, done);
      if (reps.length === 0) continue;
      try {
        await this.runStep(campaign, device, step, reps);
      } catch (err) {
        if (err instanceof Cancelled || this.stopping) return;
        // Gone for longer than the grace: every run still to do on it is missing. Anything
        // else fails this device's remaining runs, not the campaign.
        const gone = err instanceof DeviceGone;
        const reason = gone
          ? `device ${device.id} offline: ${err.message}`
          : `${device.id}: ${(err as Error).message}`;
        for (const rest of steps.slice(i)) {
          for (const rep of this.pending(campaign, device, rest, done)) {
            await this.record(campaign, device, rest, rep, gone ? 'missing' : 'failed', reason);
          }
        }
        this.logger.warn(`campaign ${campaign.id}: ${reason}; its remaining runs are not measured`);
        return;
      }
    }
  }

  private pending(
    campaign: Campaign,
    device: CampaignDevice,
    step: CampaignStep,
    done: Set<string>,
  ): number[] {
    const reps: number[] = [];
    for (let rep = 1; rep <= campaign.spec.repetitions; rep++) {
      if (!done.has(runKey(device.id, step.program, step.vm, rep))) reps.push(rep);
    }
    return reps;
  }

  private async runStep(
    campaign: Campaign,
    device: CampaignDevice,
    step: CampaignStep,
    reps: number[],
  ): Promise<void> {
    if (step.vm !== NATIVE_VM) {
      const problem = await this.install(campaign, device, step);
      if (problem) {
        for (const rep of reps) {
          await this.record(campaign, device, step, rep, problem.status, problem.reason);
        }
        return;
      }
    }
    for (const rep of reps) {
      this.checkCancelled(campaign);
      const args = step.vm === NATIVE_VM ? { native: step.program } : {};
      let result: BenchResult;
      try {
        result = await this.command(campaign, device, args);
      } catch (err) {
        if (err instanceof DeviceGone || err instanceof Cancelled) throw err;
        const e = err as Error & { code?: string };
        const status = e.code === 'unsupported' ? 'skipped' : 'failed';
        await this.record(campaign, device, step, rep, status, e.message);
        if (status === 'skipped') {
          for (const later of reps.filter((r) => r > rep)) {
            await this.record(campaign, device, step, later, status, e.message);
          }
          return;
        }
        continue;
      }
      await this.recordResult(campaign, device, step, rep, result);
    }
  }

  /** Puts the step's image on the device by OTA; a reason when it cannot be done. */
  private async install(
    campaign: Campaign,
    device: CampaignDevice,
    step: CampaignStep,
  ): Promise<{ status: RunStatus; reason: string } | null> {
    const profile = profileOf(campaign.spec);
    let app = await this.images.imageOf(step.program, step.vm, profile);
    if (isMissing(app)) return { status: 'skipped', reason: app.reason };
    await this.waitOnline(campaign, device);
    const running = await this.runningApp(campaign, device);
    if (running?.name === app.name && running.version === app.version) return null;
    if (running && running.sequence >= app.sequence) {
      app = await this.images.newerThan(step.program, device.vm, running.sequence, profile);
    }
    const created = await this.deployments.create({
      app: { name: app.name, version: app.version },
      target: { devices: [device.id] },
      strategy: { kind: 'all-at-once' },
      failureThreshold: 100,
      healthWindowMs: 0,
    });
    const deadline = Date.now() + INSTALL_TIMEOUT_MS;
    for (;;) {
      this.checkCancelled(campaign);
      const entry = (await this.deployments.detail(created.id)).devices[0];
      if (entry && isTerminal(entry.state)) {
        if (entry.state === 'healthy') return null;
        const status = entry.state === 'skipped' ? 'skipped' : 'failed';
        const why = entry.reason ?? entry.code ?? entry.state;
        return { status, reason: `install of ${app.name}@${app.version}: ${why}` };
      }
      if (!this.link.isConnected(device.id)) await this.waitOnline(campaign, device);
      if (Date.now() > deadline) {
        return { status: 'failed', reason: `install of ${app.name}@${app.version} timed out` };
      }
      await sleep(POLL_MS);
    }
  }

  /** The repository's record of the app the device runs, if it runs one we published. */
  private async runningApp(campaign: Campaign, device: CampaignDevice): Promise<App | null> {
    const result = await this.ask(campaign, device, 'status', undefined, RUN_TIMEOUT_MS);
    const app = (result as { app?: { id: string; version: string } | null }).app;
    if (!app) return null;
    try {
      return await this.apps.get(app.id, app.version);
    } catch (err) {
      if (err instanceof AppNotFoundError) return null; // loaded by hand, not published
      throw err;
    }
  }

  private async command(
    campaign: Campaign,
    device: CampaignDevice,
    args: Record<string, unknown>,
  ): Promise<BenchResult> {
    const result = await this.ask(campaign, device, 'bench', args, RUN_TIMEOUT_MS);
    const parsed = benchResultSchema.safeParse(result);
    if (!parsed.success) throw new Error(`malformed bench result: ${parsed.error.message}`);
    return parsed.data;
  }

  /**
   * A Thing Monitor command; a device offline before it or lost during it is waited for
   * (up to the campaign's grace) and asked once more, then counts as gone.
   */
  private async ask(
    campaign: Campaign,
    device: CampaignDevice,
    op: string,
    args: unknown,
    timeoutMs?: number,
  ): Promise<unknown> {
    for (let attempt = 1; ; attempt++) {
      await this.waitOnline(campaign, device);
      try {
        return (await this.monitor.command(device.id, op, args, timeoutMs)).result;
      } catch (err) {
        const code = (err as { code?: string }).code;
        if (code !== 'device_offline' && code !== 'device_timeout') throw err;
        if (attempt >= 2) throw new DeviceGone(`no answer to ${op}: ${(err as Error).message}`);
      }
    }
  }

  private async waitOnline(campaign: Campaign, device: CampaignDevice): Promise<void> {
    const deadline = Date.now() + campaign.spec.offlineGraceMs;
    while (!this.link.isConnected(device.id)) {
      this.checkCancelled(campaign);
      if (Date.now() >= deadline) {
        throw new DeviceGone(`away longer than ${campaign.spec.offlineGraceMs} ms`);
      }
      await sleep(POLL_MS);
    }
  }

  private checkCancelled(campaign: Campaign): void {
    if (this.stopping || this.cancelled.has(campaign.id)) throw new Cancelled();
  }

  private recordResult(
    campaign: Campaign,
    device: CampaignDevice,
    step: CampaignStep,
    rep: number,
    r: BenchResult,
  ): Promise<void> {
    let status: RunStatus = 'ok';
    let reason: string | null = null;
    if (r.end !== 'exit') {
      status = 'failed';
      reason = r.end === 'fault' ? `fault: ${r.fault}` : 'stopped at the instruction budget';
    } else if (r.exitCode !== 0 || r.check !== 'ok') {
      status = 'invalid';
      reason = `self-check ${r.check}, exit code ${r.exitCode}`;
    }
    return this.repo.record({
      ...this.base(campaign, device, step, rep),
      engineVersion: r.engineVersion,
      status,
      reason,
      codeBytes: r.codeBytes,
      flashBytes: r.flashBytes,
      ramBytes: r.ramBytes,
      loadMs: step.vm === NATIVE_VM ? null : r.loadMs,
      execMs: r.execMs,
      instructions: r.instructions,
    });
  }

  private record(
    campaign: Campaign,
    device: CampaignDevice,
    step: CampaignStep,
    rep: number,
    status: RunStatus,
    reason: string,
  ): Promise<void> {
    return this.repo.record({
      ...this.base(campaign, device, step, rep),
      engineVersion: '',
      status,
      reason,
      codeBytes: null,
      flashBytes: null,
      ramBytes: null,
      loadMs: null,
      execMs: null,
      instructions: null,
    });
  }

  private base(campaign: Campaign, device: CampaignDevice, step: CampaignStep, rep: number) {
    return {
      campaignId: campaign.id,
      deviceId: device.id,
      board: device.board,
      program: step.program,
      suite: step.suite,
      vm: step.vm,
      repetition: rep,
      at: Date.now(),
    } satisfies Partial<RunRecord>;
  }
}

function runKey(deviceId: string, program: string, vm: string, rep: number): string {
  return `${deviceId}/${program}/${vm}/${rep}`;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The lease of one campaign: its holder is the one instance that runs it. */
function leaseOf(campaignId: number): string {
  return `campaign:${campaignId}`;
}
