import { Injectable, Logger } from '@nestjs/common';
import { Observable, Subject, filter } from 'rxjs';
import { MonitorService } from '../monitor/monitor.service';
import type { EventMessage } from '../protocol';
import type { DeviceEvent, EventQuery } from './domain/device-event';
import { EventsRepository } from './events.repository';

/** Raw event id of a button press (docs/guest-abi.md). */
export const BUTTON_EVENT = 1;

/** Event Handler, gateway side: stores what devices send and fans it out to live streams. */
@Injectable()
export class EventsService {
  private readonly logger = new Logger('Events');
  private readonly live = new Subject<DeviceEvent>();

  constructor(
    private readonly repo: EventsRepository,
    private readonly monitor: MonitorService,
  ) {}

  async record(deviceId: string, message: EventMessage, receivedAt: number): Promise<void> {
    const event = await this.repo.insert(deviceId, receivedAt, message);
    if (message.kind === 'vm' && message.state === 'faulted') {
      this.logger.warn(
        `${deviceId}: guest faulted: ${message.fault?.code ?? '?'} ${message.fault?.message ?? ''}`,
      );
    }
    this.live.next(event);
  }

  list(deviceId: string, query: EventQuery): Promise<DeviceEvent[]> {
    return this.repo.list(deviceId, query);
  }

  /** Every new event of one device, as it arrives. */
  follow(deviceId: string): Observable<DeviceEvent> {
    return this.live.pipe(filter((e) => e.deviceId === deviceId));
  }

  /** Injects a raw event into the device's Event Handler (Thing Monitor `inject`). */
  async inject(deviceId: string, event: number, value: number): Promise<{ queued: boolean }> {
    const { result } = await this.monitor.command(deviceId, 'inject', { event, value });
    return { queued: Boolean((result as { queued?: boolean } | null)?.queued) };
  }
}
