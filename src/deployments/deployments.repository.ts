import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, Like, Not, Repository } from 'typeorm';
import { BENCHMARK_APP_PREFIX, type AppOrigin } from '../apps/domain/app-rules';
import type { VmKind } from '../protocol';
import { DeploymentDeviceEntity } from './deployment-device.entity';
import { DeploymentEntity } from './deployment.entity';
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
  ) {}

  /** Stores a deployment and its device entries in one transaction; returns its id. */
  async insert(d: NewDeployment, entries: NewDeviceRollout[]): Promise<number> {
    return this.deployments.manager.transaction(async (m) => {
      const saved = await m.save(DeploymentEntity, toRow(d));
      const rows = entries.map((e) => toDeviceRow({ ...e, deploymentId: saved.id }));
      // Chunked: SQLite allows at most 32766 bound parameters per statement.
      for (let i = 0; i < rows.length; i += 500) {
        await m.insert(DeploymentDeviceEntity, rows.slice(i, i + 500));
      }
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

  async entries(deploymentId: number): Promise<DeviceRollout[]> {
    const rows = await this.devices.find({
      where: { deploymentId },
      order: { wave: 'ASC', deviceId: 'ASC' },
    });
    return rows.map(toDeviceRollout);
  }

  async entry(deploymentId: number, deviceId: string): Promise<DeviceRollout | null> {
    const row = await this.devices.findOne({ where: { deploymentId, deviceId } });
    return row ? toDeviceRollout(row) : null;
  }

  /** The device's entries in deployments that are still active, oldest deployment first. */
  async activeEntriesOf(deviceId: string): Promise<DeviceRollout[]> {
    const rows = await this.devices
      .createQueryBuilder('e')
      .innerJoin(DeploymentEntity, 'd', 'd.id = e.deployment_id')
      .where('e.device_id = :deviceId', { deviceId })
      .andWhere('d.status IN (:...statuses)', { statuses: [...ACTIVE_STATUSES] })
      .orderBy('e.deployment_id', 'ASC')
      .getMany();
    return rows.map(toDeviceRollout);
  }

  async saveEntry(entry: DeviceRollout): Promise<void> {
    const { deploymentId, deviceId } = entry;
    const row = toDeviceRow(entry);
    await this.devices.update(
      { deploymentId, deviceId },
      {
        state: row.state,
        code: row.code,
        reason: row.reason,
        updatedAt: row.updatedAt,
        history: row.history,
      },
    );
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

function toDeviceRow(e: DeviceRollout): DeploymentDeviceEntity {
  return {
    deploymentId: e.deploymentId,
    deviceId: e.deviceId,
    wave: e.wave,
    state: e.state,
    code: e.code,
    reason: e.reason,
    updatedAt: e.updatedAt,
    history: e.history,
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
