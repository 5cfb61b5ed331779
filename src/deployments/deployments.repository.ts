import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { type EntityManager, In, Like, Not, Repository } from 'typeorm';
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

  /**
   * Applies `change` to a device's entry and stores the result, the row locked (`SELECT …
   * FOR UPDATE` on PostgreSQL) from read to write, so instances that receive reports for
   * the same device apply each transition once. `instanceId` is recorded as the offerer
   * when the entry goes from pending to offered. Null when nothing changed.
   */
  async transition(
    deploymentId: number,
    deviceId: string,
    change: (entry: DeviceRollout) => DeviceRollout | null,
    instanceId: string,
  ): Promise<{ before: DeviceRollout; after: DeviceRollout } | null> {
    const apply = async (m: EntityManager) => {
      const query = m
        .getRepository(DeploymentDeviceEntity)
        .createQueryBuilder('e')
        .where('e.deployment_id = :deploymentId AND e.device_id = :deviceId', {
          deploymentId,
          deviceId,
        });
      if (m.connection.options.type === 'postgres') query.setLock('pessimistic_write');
      const row = await query.getOne();
      const before = row ? toDeviceRollout(row) : null;
      const after = before ? change(before) : null;
      if (!before || !after) return null;
      const offered = before.state === 'pending' && after.state === 'offered';
      await m.update(
        DeploymentDeviceEntity,
        { deploymentId, deviceId },
        {
          state: after.state,
          code: after.code,
          reason: after.reason,
          updatedAt: after.updatedAt,
          history: after.history,
          ...(offered ? { offeredBy: instanceId, offers: () => 'offers + 1' } : {}),
        },
      );
      return { before, after };
    };
    // SQLite: one instance, whose per-deployment queue already serialises these.
    if (this.devices.manager.connection.options.type !== 'postgres') {
      return apply(this.devices.manager);
    }
    return this.devices.manager.transaction(apply);
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
