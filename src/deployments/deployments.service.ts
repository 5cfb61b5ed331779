import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { AppsService } from '../apps/apps.service';
import type { AppOrigin } from '../apps/domain/app-rules';
import { DeploymentNotFoundError, DeploymentStateError } from '../common/domain-error';
import { DevicesService } from '../devices/devices.service';
import { DeploymentsRepository, type NewDeviceRollout } from './deployments.repository';
import {
  type Deployment,
  type DeploymentStatus,
  type DeviceRollout,
  type RolloutState,
} from './domain/deployment';
import { planRollout } from './domain/rollout-plan';
import { countStates, withState } from './domain/rollout-progress';
import type { CreateDeploymentInput } from './dto/deployment.dto';
import { OtaTransfers } from './ota-transfers';
import { planDeviceOf, RolloutRunner } from './rollout-runner';

export interface DeploymentDetail {
  deployment: Deployment;
  devices: (DeviceRollout & { bytesSent: number })[];
  counts: Record<RolloutState, number>;
}

/** The deployment use cases: create (plan and start), list, show, pause, resume, cancel. */
@Injectable()
export class DeploymentsService implements OnModuleInit {
  private readonly logger = new Logger('Deployments');

  constructor(
    private readonly repo: DeploymentsRepository,
    private readonly runner: RolloutRunner,
    private readonly transfers: OtaTransfers,
    private readonly apps: AppsService,
    private readonly devices: DevicesService,
  ) {}

  onModuleInit(): void {
    this.apps.addUsageCheck(async (app) =>
      (await this.repo.activeUsing(app.name, app.version)).map((id) => `deployment ${id}`),
    );
  }

  async create(input: CreateDeploymentInput): Promise<Deployment> {
    const app = await this.apps.get(input.app.name, input.app.version);
    const targets = await this.devices.resolveTarget(input.target);
    const plan = planRollout(app, targets.map(planDeviceOf), input.strategy);
    const now = Date.now();
    const pending = (deviceId: string, wave: number): NewDeviceRollout => ({
      deviceId,
      wave,
      state: 'pending',
      code: null,
      reason: null,
      updatedAt: now,
      history: [{ state: 'pending', at: now }],
    });
    const entries = [
      ...plan.waves.flatMap((ids, wave) => ids.map((id) => pending(id, wave))),
      ...plan.skipped.map(({ deviceId, reason }) => {
        const skipped = withState({ ...pending(deviceId, 0), deploymentId: 0 }, 'skipped', now);
        return { ...skipped, code: 'incompatible', reason };
      }),
    ];
    await this.supersede(entries.map((e) => e.deviceId));
    const id = await this.repo.insert(
      {
        app: { name: app.name, version: app.version, vm: app.vm },
        target: input.target,
        strategy: input.strategy,
        failureThreshold: input.failureThreshold,
        healthWindowMs: input.healthWindowMs,
        status: 'running',
        currentWave: 0,
        waveCount: Math.max(1, plan.waves.length),
        reason: null,
        createdAt: now,
        updatedAt: now,
        finishedAt: null,
      },
      entries,
    );
    this.logger.log(
      `deployment ${id}: ${app.name}@${app.version} to ${entries.length} devices ` +
        `(${plan.waves.length} waves, ${plan.skipped.length} skipped)`,
    );
    await this.runner.advance(id);
    return this.get(id);
  }

  async get(id: number): Promise<Deployment> {
    const deployment = await this.repo.find(id);
    if (!deployment) throw new DeploymentNotFoundError(id);
    return deployment;
  }

  async detail(id: number): Promise<DeploymentDetail> {
    const deployment = await this.get(id);
    const entries = await this.runner.entries(id);
    const devices = entries.map((e) => ({
      ...e,
      bytesSent: this.transfers.bytesSent(id, e.deviceId),
    }));
    return { deployment, devices, counts: countStates(entries) };
  }

  async list(status?: DeploymentStatus, limit?: number, origin?: AppOrigin) {
    const deployments = await this.repo.list(status, limit, origin);
    return Promise.all(
      deployments.map(async (d) => ({
        deployment: d,
        counts: countStates(await this.runner.entries(d.id)),
      })),
    );
  }

  async counts(id: number) {
    return countStates(await this.runner.entries(id));
  }

  /** No new devices are offered the update; transfers under way finish. */
  pause(id: number): Promise<Deployment> {
    return this.transition(id, 'pause', ['running'], 'paused');
  }

  /** Continues a paused deployment, or a halted one someone decided to push on with. */
  async resume(id: number): Promise<Deployment> {
    const deployment = await this.transition(id, 'resume', ['paused', 'halted'], 'running');
    await this.runner.advance(id);
    return deployment;
  }

  /** Stops the rollout: devices not reached yet are cancelled, transfers are told to stop. */
  async cancel(id: number): Promise<Deployment> {
    const deployment = await this.transition(
      id,
      'cancel',
      ['running', 'paused', 'halted'],
      'cancelled',
    );
    await this.runner.exclusive(id, async () =>
      this.runner.cancelEntries(id, await this.repo.entries(id), 'cancelled'),
    );
    return deployment;
  }

  private async transition(
    id: number,
    action: string,
    from: DeploymentStatus[],
    to: DeploymentStatus,
  ): Promise<Deployment> {
    let result: Deployment | undefined;
    await this.runner.exclusive(id, async () => {
      const d = await this.get(id);
      if (!from.includes(d.status)) throw new DeploymentStateError(id, d.status, action);
      const now = Date.now();
      const finishedAt = to === 'cancelled' ? now : d.finishedAt;
      await this.repo.update(id, { status: to, reason: null, updatedAt: now, finishedAt });
      result = { ...d, status: to, reason: null, updatedAt: now, finishedAt };
    });
    this.logger.log(`deployment ${id}: ${action}`);
    return result!;
  }

  /**
   * A device gets one update at a time: a new deployment cancels its older unfinished
   * ones (entries before the device verified anything; later ones finish). One lookup and
   * one transaction per older deployment, not per device: a deployment may target thousands.
   */
  private async supersede(deviceIds: string[]): Promise<void> {
    const older = new Map<number, DeviceRollout[]>();
    for (const entry of await this.repo.activeEntriesOfAll(deviceIds)) {
      const group = older.get(entry.deploymentId);
      if (group) group.push(entry);
      else older.set(entry.deploymentId, [entry]);
    }
    for (const [id, entries] of older) {
      await this.runner.exclusive(id, () =>
        this.runner.cancelEntries(id, entries, 'superseded by a newer deployment'),
      );
    }
  }
}
