import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { MoreThanOrEqual, Repository } from 'typeorm';
import type { EventMessage } from '../protocol';
import { DeviceEventEntity } from './device-event.entity';
import type { DeviceEvent, EventQuery } from './domain/device-event';

@Injectable()
export class EventsRepository {
  constructor(
    @InjectRepository(DeviceEventEntity) private readonly events: Repository<DeviceEventEntity>,
  ) {}

  async insert(deviceId: string, ts: number, message: EventMessage): Promise<DeviceEvent> {
    const { kind, ...body } = message;
    const result = await this.events.insert({ deviceId, ts, kind, body });
    const id = Number((result.identifiers[0] as { id: string | number }).id);
    return { id, deviceId, ts, ...message };
  }

  async list(deviceId: string, q: EventQuery): Promise<DeviceEvent[]> {
    const rows = await this.events.find({
      where: {
        deviceId,
        ...(q.kind ? { kind: q.kind } : {}),
        ...(q.since ? { ts: MoreThanOrEqual(q.since) } : {}),
      },
      order: { ts: 'DESC', id: 'DESC' },
      take: q.limit,
    });
    return rows.reverse().map(toEvent);
  }
}

function toEvent(row: DeviceEventEntity): DeviceEvent {
  return {
    id: Number(row.id),
    deviceId: row.deviceId,
    ts: row.ts,
    kind: row.kind,
    ...row.body,
  } as DeviceEvent;
}
