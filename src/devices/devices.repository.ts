import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, IsNull, LessThan, Not, Repository } from 'typeorm';
import { RowStatement } from '../database/bulk-writer';
import type { AppSlotsReport, HelloMessage, VmKind } from '../protocol';
import { DeviceTagEntity } from './device-tag.entity';
import { DeviceEntity } from './device.entity';
import type {
  Device,
  DeviceCredentials,
  DeviceFilter,
  DeviceHolder,
  LatestSample,
} from './domain/device';

export interface NewDevice {
  id: string;
  board: string;
  vm: VmKind;
  tags: string[];
  tokenHash: string;
  createdAt: number;
}

@Injectable()
export class DevicesRepository {
  private readonly updateLatest: RowStatement;

  constructor(@InjectRepository(DeviceEntity) private readonly devices: Repository<DeviceEntity>) {
    this.updateLatest = new RowStatement(
      devices.manager.connection,
      'UPDATE devices SET latest_telemetry = ?, last_seen_at = ? WHERE id = ?',
    );
  }

  async exists(id: string): Promise<boolean> {
    return this.devices.exists({ where: { id } });
  }

  async insert(d: NewDevice): Promise<Device> {
    await this.devices.manager.transaction(async (m) => {
      await m.insert(DeviceEntity, {
        id: d.id,
        board: d.board,
        vmKind: d.vm,
        tokenHash: d.tokenHash,
        createdAt: d.createdAt,
        online: false,
      });
      if (d.tags.length)
        await m.insert(
          DeviceTagEntity,
          d.tags.map((tag) => ({ deviceId: d.id, tag })),
        );
    });
    return (await this.findById(d.id))!;
  }

  async findById(id: string): Promise<Device | null> {
    const row = await this.devices.findOne({ where: { id }, relations: { tags: true } });
    return row ? toDevice(row) : null;
  }

  async credentialsOf(id: string): Promise<DeviceCredentials | null> {
    const row = await this.devices.findOne({
      where: { id },
      select: {
        id: true,
        tokenHash: true,
        previousTokenHash: true,
        previousTokenUntil: true,
        revokedAt: true,
      },
    });
    if (!row) return null;
    return {
      tokenHash: row.tokenHash,
      previousTokenHash: row.previousTokenHash,
      previousTokenUntil: row.previousTokenUntil,
      revokedAt: row.revokedAt,
    };
  }

  /** A new token; the old one stays valid until `previousUntil` (null: not at all). Un-revokes. */
  async rotateToken(
    id: string,
    tokenHash: string,
    previous: { hash: string; until: number } | null,
    at: number,
  ): Promise<boolean> {
    const result = await this.devices.update(
      { id },
      {
        tokenHash,
        previousTokenHash: previous?.hash ?? null,
        previousTokenUntil: previous?.until ?? null,
        tokenRotatedAt: at,
        revokedAt: null,
      },
    );
    return (result.affected ?? 0) > 0;
  }

  async revoke(id: string, at: number): Promise<boolean> {
    const result = await this.devices.update(
      { id },
      { revokedAt: at, previousTokenHash: null, previousTokenUntil: null },
    );
    return (result.affected ?? 0) > 0;
  }

  async list(filter: DeviceFilter): Promise<Device[]> {
    const qb = this.devices
      .createQueryBuilder('d')
      .leftJoinAndSelect('d.tags', 't')
      .orderBy('d.id', 'ASC')
      .addOrderBy('t.tag', 'ASC');
    if (filter.vm) qb.andWhere('d.vm_kind = :vm', { vm: filter.vm });
    if (filter.online !== undefined) qb.andWhere('d.online = :online', { online: filter.online });
    if (filter.transport) qb.andWhere('d.transport = :transport', { transport: filter.transport });
    if (filter.tag) {
      qb.andWhere('d.id IN (SELECT dt.device_id FROM device_tags dt WHERE dt.tag = :tag)', {
        tag: filter.tag,
      });
    }
    return (await qb.getMany()).map(toDevice);
  }

  /** Removes the device, its tags (cascade) and its samples, so a reused id starts clean. */
  async delete(id: string): Promise<boolean> {
    return this.devices.manager.transaction(async (m) => {
      const result = await m.delete(DeviceEntity, { id });
      await m
        .createQueryBuilder()
        .delete()
        .from('telemetry_samples')
        .where('device_id = :id', { id })
        .execute();
      return (result.affected ?? 0) > 0;
    });
  }

  async editTags(id: string, add: string[], remove: string[]): Promise<void> {
    await this.devices.manager.transaction(async (m) => {
      if (remove.length) await m.delete(DeviceTagEntity, { deviceId: id, tag: In(remove) });
      const existing = new Set(
        (await m.find(DeviceTagEntity, { where: { deviceId: id } })).map((t) => t.tag),
      );
      const fresh = [...new Set(add)].filter((t) => !existing.has(t));
      if (fresh.length)
        await m.insert(
          DeviceTagEntity,
          fresh.map((tag) => ({ deviceId: id, tag })),
        );
    });
  }

  /** Who holds the device's connection now, by its row (null: offline, or no such device). */
  async holderOf(id: string): Promise<DeviceHolder | null> {
    const row = await this.devices.findOne({
      where: { id },
      select: { id: true, online: true, transport: true, instance: true },
    });
    if (!row?.online || row.transport === null) return null;
    return { transport: row.transport, instance: row.instance };
  }

  /** Birth: online over `holder`'s connection, whoever held the device before (a takeover). */
  async recordHello(
    id: string,
    hello: HelloMessage,
    at: number,
    holder: DeviceHolder,
  ): Promise<void> {
    await this.devices.update(
      { id },
      {
        ...holder,
        board: hello.board,
        vmKind: hello.vm.kind,
        vmVersion: hello.vm.version,
        firmware: hello.firmware ?? null,
        limits: hello.limits,
        // A hello without slots comes from firmware that does not report them: not known.
        slots: hello.slots ?? null,
        slotsAt: hello.slots ? at : null,
        online: true,
        connectedAt: at,
        lastSeenAt: at,
      },
    );
  }

  /** What an OTA report said the slots hold after its step. */
  async recordSlots(id: string, slots: AppSlotsReport, at: number): Promise<void> {
    await this.devices.update({ id }, { slots, slotsAt: at });
  }

  /** Online again without a new hello: what it announced before still stands. */
  async setOnline(id: string, at: number, holder: DeviceHolder): Promise<void> {
    await this.devices.update({ id }, { ...holder, online: true, lastSeenAt: at });
  }

  /**
   * Offline, but only while the row still names `holder`: once another connection (another
   * instance, another transport) has said hello, the end of this one changes nothing. One
   * conditional statement, so it cannot interleave with that hello's update. False when
   * the row named someone else.
   */
  async setOffline(id: string, at: number, holder: DeviceHolder): Promise<boolean> {
    const result = await this.devices.update(
      { id, transport: holder.transport, instance: holder.instance ?? IsNull() },
      { online: false, lastSeenAt: at, transport: null, instance: null },
    );
    return (result.affected ?? 0) > 0;
  }

  /**
   * After a restart none of this instance's devices is connected yet: with `instance`,
   * the rows it held and the unheld ones (an external broker's, whose retained statuses
   * say again who is online); without, every row (one instance on its own database).
   */
  async markAllOffline(instance?: string): Promise<void> {
    const offline = { online: false, transport: null, instance: null };
    if (instance === undefined) {
      await this.devices.update({ online: true }, offline);
      return;
    }
    await this.devices.update(
      [
        { online: true, instance },
        { online: true, instance: IsNull() },
      ],
      offline,
    );
  }

  /**
   * Offline: the devices an instance not in `live` held (it died), that said hello before
   * `connectedBefore` (so not a device of an instance too new to be in `live`). The number.
   */
  async markOrphansOffline(live: string[], connectedBefore: number): Promise<number> {
    const result = await this.devices.update(
      { online: true, instance: Not(In(live)), connectedAt: LessThan(connectedBefore) },
      { online: false, transport: null, instance: null },
    );
    return result.affected ?? 0;
  }

  /** On the telemetry hot path: one statement per device per batch (see RowStatement). */
  async recordLatest(latest: Map<string, LatestSample>): Promise<void> {
    await this.updateLatest.runAll([...latest].map(([id, s]) => [JSON.stringify(s), s.at, id]));
  }
}

function toDevice(row: DeviceEntity): Device {
  return {
    id: row.id,
    board: row.board,
    vm: { kind: row.vmKind as VmKind, version: row.vmVersion },
    tags: (row.tags ?? []).map((t) => t.tag).sort(),
    online: row.online,
    firmware: row.firmware,
    limits: (row.limits as Device['limits']) ?? null,
    lastSeenAt: row.lastSeenAt,
    connectedAt: row.connectedAt,
    createdAt: row.createdAt,
    latest: row.latestTelemetry ?? null,
    tokenRotatedAt: row.tokenRotatedAt ?? null,
    revokedAt: row.revokedAt ?? null,
    transport: row.transport ?? null,
    instance: row.instance ?? null,
    slots: row.slots ?? null,
    slotsAt: row.slotsAt ?? null,
  };
}
