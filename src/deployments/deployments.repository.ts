import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, Like, Not, Repository } from 'typeorm';
import { BENCHMARK_APP_PREFIX, type AppOrigin } from '../apps/domain/app-rules';
import type { VmKind } from '../protocol';
import { DeploymentDeviceEntity } from './deployment-device.entity';
import { DeploymentEntity } from './deployment.entity';
import { EntryRows, type EntryChange, type EntryTransition } from './entry-rows';
import {
  ACTIVE_STATUSES,
  type Deployment,
  type DeploymentStatus,
  type DeviceRollout,
  type RolloutState,
} from './domain/deployment';

export type NewDeployment = Omit<Deployment, 'id'>;
export type NewDeviceRollout = Omit<DeviceRollout, 'deploymentId'>;
export type DeploymentPatch = Partial<
  Pick<Deployment, 'status' | 'currentWave' | 'reason' | 'updatedAt' | 'finishedAt'>
>;

@Injectable()
export class DeploymentsRepository {
  constructor(
    @InjectRepository(DeploymentEntity) private readonly deployments: Repository<DeploymentEntity>,
    @InjectRepository(DeploymentDeviceEntity)
    private readonly devices: Repository<DeploymentDeviceEntity>,
  ) {
    this.rows = new EntryRows(devices.manager.connection);
  }

  private readonly rows: EntryRows;

  /** Stores a deployment and its device entries in one transaction; returns its id. */
  async insert(d: NewDeployment, entries: NewDeviceRollout[]): Promise<number> {
    return this.deployments.manager.transaction(async (m) => {
      const saved = await m.save(DeploymentEntity, toRow(d));
      // Plain SQL: TypeORM's multi-row INSERT of 1,000 entries held the event loop for a second.
      await this.rows.insert(m, saved.id, entries);
      return saved.id;
    });
  }

  async find(id: number): Promise<Deployment | null> {
    const row = await this.deployments.findOne({ where: { id } });
    return row ? toDeployment(row) : null;
  }

  /** Newest first; `origin` keeps only deployments of that origin's apps. */
  async list(status?: DeploymentStatus, limit = 100, origin?: AppOrigin): Promise<Deployment[]> {
    const benchmark = Like(`${BENCHMARK_APP_PREFIX}%`);
    const byOrigin = { user: Not(benchmark), benchmark };
    const rows = await this.deployments.find({
      where: {
        ...(status ? { status } : {}),
        ...(origin ? { appName: byOrigin[origin] } : {}),
      },
      order: { id: 'DESC' },
      take: limit,
    });
    return rows.map(toDeployment);
  }

  async active(): Promise<Deployment[]> {
    const rows = await this.deployments.find({
      where: { status: In([...ACTIVE_STATUSES]) },
      order: { id: 'ASC' },
    });
    return rows.map(toDeployment);
  }

  async update(id: number, patch: DeploymentPatch): Promise<void> {
    await this.deployments.update({ id }, patch);
  }

  /** Every device entry of a deployment, by wave then device id. */
  entries(deploymentId: number): Promise<DeviceRollout[]> {
    return this.rows.all(deploymentId);
  }

  async entry(deploymentId: number, deviceId: string): Promise<DeviceRollout | null> {
    const row = await this.devices.findOne({ where: { deploymentId, deviceId } });
    return row ? toDeviceRollout(row) : null;
  }

  /** The device's entries in deployments that are still active, oldest deployment first. */
  activeEntriesOf(deviceId: string): Promise<DeviceRollout[]> {
    return this.activeEntriesOfAll([deviceId]);
  }

  /** The devices' entries in deployments that are still active, by deployment then device. */
  async activeEntriesOfAll(deviceIds: readonly string[]): Promise<DeviceRollout[]> {
    const found: DeviceRollout[] = [];
    // Chunked: SQLite allows at most 32766 bound parameters per statement.
    for (let i = 0; i < deviceIds.length; i += 500) {
      const rows = await this.devices
        .createQueryBuilder('e')
        .innerJoin(DeploymentEntity, 'd', 'd.id = e.deployment_id')
        .where('e.device_id IN (:...deviceIds)', { deviceIds: deviceIds.slice(i, i + 500) })
        .andWhere('d.status IN (:...statuses)', { statuses: [...ACTIVE_STATUSES] })
        .getMany();
      found.push(...rows.map(toDeviceRollout));
    }
    return found.sort(
      (a, b) => a.deploymentId - b.deploymentId || a.deviceId.localeCompare(b.deviceId),
    );
  }

  /**
   * Applies each change to its device's entry as stored now, all in one transaction with
   * the rows locked from read to write (`SELECT … FOR UPDATE` on PostgreSQL), so
   * instances that receive reports for the same device apply each transition once.
   * `instanceId` is recorded as the offerer when an entry goes from pending to offered.
   * One result per change, null when it changed nothing.
   */
  transitions(
    deploymentId: number,
    changes: readonly EntryChange[],
    instanceId: string,
  ): Promise<(EntryTransition | null)[]> {
    return this.rows.apply(deploymentId, changes, instanceId);
  }

  /** Ids of active deployments of name@version. */
  async activeUsing(name: string, version: string): Promise<number[]> {
    const rows = await this.deployments.find({
      select: { id: true },
      where: { appName: name, appVersion: version, status: In([...ACTIVE_STATUSES]) },
    });
    return rows.map((r) => r.id);
  }
}

function toRow(d: NewDeployment): Partial<DeploymentEntity> {
  return {
    appName: d.app.name,
    appVersion: d.app.version,
    vmKind: d.app.vm,
    target: d.target,
    strategy: d.strategy,
    failureThreshold: d.failureThreshold,
    healthWindowMs: d.healthWindowMs,
    status: d.status,
    currentWave: d.currentWave,
    waveCount: d.waveCount,
    reason: d.reason,
    createdAt: d.createdAt,
    updatedAt: d.updatedAt,
    finishedAt: d.finishedAt,
  };
}

function toDeployment(row: DeploymentEntity): Deployment {
  return {
    id: row.id,
    app: { name: row.appName, version: row.appVersion, vm: row.vmKind as VmKind },
    target: row.target,
    strategy: row.strategy,
    failureThreshold: row.failureThreshold,
    healthWindowMs: row.healthWindowMs,
    status: row.status as DeploymentStatus,
    currentWave: row.currentWave,
    waveCount: row.waveCount,
    reason: row.reason,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
    finishedAt: row.finishedAt,
  };
}

function toDeviceRollout(row: DeploymentDeviceEntity): DeviceRollout {
  return {
    deploymentId: row.deploymentId,
    deviceId: row.deviceId,
    wave: row.wave,
    state: row.state as RolloutState,
    code: row.code,
    reason: row.reason,
    updatedAt: row.updatedAt,
    history: row.history,
  };
}
