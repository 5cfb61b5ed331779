import { Inject, Injectable } from '@nestjs/common';
import { AppsService } from '../apps/apps.service';
import { DEVICE_LINK, type DeviceLink } from '../link/device-link';
import { MetricsService } from '../metrics/metrics.service';
import type { OtaFetch } from '../protocol';
import type { DeploymentApp } from './domain/deployment';

/** Payloads kept in memory while deployments send them (64 KiB apps: a few MiB at most). */
const CACHED_PAYLOADS = 16;

/**
 * Serves the chunks devices pull. The device decides offset and length (its buffer, its
 * pace); the gateway only slices the payload, so a transfer resumes wherever the device
 * says, and nothing here has to be persisted.
 */
@Injectable()
export class OtaTransfers {
  private readonly payloads = new Map<string, Promise<Uint8Array>>();
  private readonly sent = new Map<string, number>();

  constructor(
    private readonly apps: AppsService,
    @Inject(DEVICE_LINK) private readonly link: DeviceLink,
    private readonly metrics: MetricsService,
  ) {}

  async serve(deploymentId: number, app: DeploymentApp, deviceId: string, fetch: OtaFetch) {
    const payload = await this.payload(app);
    if (fetch.offset >= payload.length) return;
    const data = payload.subarray(fetch.offset, fetch.offset + fetch.length);
    const chunk = { op: 'chunk', deployment: deploymentId, offset: fetch.offset, data };
    if (await this.link.send(deviceId, 'update', chunk)) {
      this.countSent(deploymentId, deviceId, data.length);
    }
  }

  /**
   * The whole payload, for a transport that cuts its own blocks (CoAP Block2); the
   * transport reports what it sent with countSent.
   */
  whole(app: DeploymentApp): Promise<Uint8Array> {
    return this.payload(app);
  }

  countSent(deploymentId: number, deviceId: string, bytes: number): void {
    const key = transferKey(deploymentId, deviceId);
    this.sent.set(key, (this.sent.get(key) ?? 0) + bytes);
    this.metrics.otaBytesSent.inc(bytes);
  }

  /** Payload bytes sent to the device for this deployment since the gateway started. */
  bytesSent(deploymentId: number, deviceId: string): number {
    return this.sent.get(transferKey(deploymentId, deviceId)) ?? 0;
  }

  private payload(app: DeploymentApp): Promise<Uint8Array> {
    const key = `${app.name}@${app.version}`;
    let cached = this.payloads.get(key);
    if (cached) {
      // Most recently used last: the first key is the one to evict.
      this.payloads.delete(key);
    } else {
      cached = this.apps.payload(app.name, app.version).then((p) => p.bytes);
      cached.catch(() => this.payloads.delete(key));
    }
    this.payloads.set(key, cached);
    if (this.payloads.size > CACHED_PAYLOADS) {
      this.payloads.delete(this.payloads.keys().next().value as string);
    }
    return cached;
  }
}

function transferKey(deploymentId: number, deviceId: string): string {
  return `${deploymentId}/${deviceId}`;
}
