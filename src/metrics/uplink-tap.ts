import { Injectable } from '@nestjs/common';
import { Observable, Subject } from 'rxjs';
import type { UplinkMessage } from '../protocol';
import { MetricsService } from './metrics.service';

/** One decoded uplink as the router received it. */
export interface TappedUplink {
  deviceId: string;
  message: UplinkMessage;
  /** Gateway receive time, Unix ms. */
  receivedAt: number;
}

/**
 * Every decoded uplink, for observers that must not sit in the ingest path (metrics,
 * alert rules). The InboundRouter publishes each message once before applying it; an
 * observer that throws is its own problem: `Subject.next` runs subscribers synchronously,
 * so observers keep their work short and hand anything slow to a queue.
 */
@Injectable()
export class UplinkTap {
  private readonly uplinks = new Subject<TappedUplink>();

  constructor(private readonly metrics: MetricsService) {}

  publish(deviceId: string, message: UplinkMessage, receivedAt: number): void {
    this.metrics.messagesReceived.inc({ channel: message.channel });
    this.uplinks.next({ deviceId, message, receivedAt });
  }

  get messages(): Observable<TappedUplink> {
    return this.uplinks.asObservable();
  }
}
