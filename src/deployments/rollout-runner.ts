import {
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnApplicationShutdown,
} from '@nestjs/common';
import { AppsService } from '../apps/apps.service';
import type { App } from '../apps/domain/app';
import { LeaseService } from '../cluster/lease.service';
import { DeviceNotFoundError } from '../common/domain-error';
import { DevicesService } from '../devices/devices.service';
import type { Device } from '../devices/domain/device';
import { DEVICE_LINK, type DeviceLink } from '../link/device-link';
import { MetricsService } from '../metrics/metrics.service';
import type { OtaFetch, OtaReport, OtaUp } from '../protocol';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { BatchedQueue } from './batched-queue';
import { DeploymentsRepository } from './deployments.repository';
import {
  type Deployment,
  type DeploymentApp,
  type DeviceRollout,
  isTerminal,
} from './domain/deployment';
import { incompatibility, type PlanDevice } from './domain/rollout-plan';
import type { EntryChange, EntryTransition } from './entry-rows';
import { applyReport, nextStep, withState } from './domain/rollout-progress';
import { OtaTransfers } from './ota-transfers';

/**
 * Drives deployments: offers the update wave by wave to the devices that are online,
 * applies what devices report, halts at the failure threshold, and picks everything up
 * again after a restart (devices re-announce themselves and are offered the same update,
 * which they answer with where they are). One deployment's steps run one at a time.
 * With several instances on one database, one instance owns a deployment (its lease) and
 * steps it; any instance records the reports it receives (docs/operations.md "Several
 * instances"), and the owner looks again on every lease heartbeat.
 *
 * Scale (bench:ota): reports that arrive while a deployment's queue is busy are recorded
 * in one transaction and followed by one step; a step decides from the deployment's
 * entries as this instance last read or wrote them (read afresh on each heartbeat, when
 * other instances may have written some); the offers of a wave go out in slices with the
 * event loop free in between.
 */
@Injectable()
export class RolloutRunner implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Deployments');
  private readonly queue = new BatchedQueue();
  /** Every device entry of the deployments stepped here, by device id, as last read or written. */
  private readonly books = new Map<number, Map<string, DeviceRollout>>();
  /** The app of each deployment stepped here (it never changes). */
  private readonly appsOf = new Map<number, DeploymentApp>();
  /** Transfers a device may fetch chunks for, by `deployment/device`: spares the database a lookup per chunk. */
  private readonly inFlight = new Map<string, DeploymentApp>();
  private tick?: NodeJS.Timeout;

  constructor(
    private readonly repo: DeploymentsRepository,
    private readonly transfers: OtaTransfers,
    private readonly devices: DevicesService,
    private readonly apps: AppsService,
    @Inject(DEVICE_LINK) private readonly link: DeviceLink,
    private readonly metrics: MetricsService,
    private readonly leases: LeaseService,
  ) {}

  /** Resumes every running deployment; devices that connect later are offered on hello. */
  async onApplicationBootstrap(): Promise<void> {
    await this.advanceActive();
    if (!this.leases.shared) return;
    // Takes over deployments whose owner died, and steps on reports other instances recorded.
    this.tick = setInterval(() => void this.advanceActive(), this.leases.heartbeatMs);
    this.tick.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.tick);
  }

  private async advanceActive(): Promise<void> {
    // Other instances record reports too: the next steps read every entry again.
    this.books.clear();
    try {
      for (const d of await this.repo.active()) void this.advance(d.id);
    } catch (err) {
      this.logger.warn(`active deployments: ${(err as Error).message}`);
    }
  }

  /** Runs `task` in the deployment's queue, after every step already queued for it. */
  exclusive(deploymentId: number, task: () => Promise<void>): Promise<void> {
    return this.queue.run(String(deploymentId), task);
  }

  /** Steps the deployment once everything queued for it is done; one step serves every caller waiting for it. */
  advance(deploymentId: number): Promise<void> {
    return this.queue
      .add(String(deploymentId), 'step', null, async (waiting) => {
        await this.step(deploymentId);
        return waiting;
      })
      .then(
        () => undefined,
        (err: Error) => this.logger.error(`deployment ${deploymentId}: ${err.message}`),
      );
  }

  /** A device said hello: it gets what its active deployments want it to have. */
  async onDeviceOnline(deviceId: string): Promise<void> {
    for (const entry of await this.repo.activeEntriesOf(deviceId)) {
      if (isTerminal(entry.state)) continue;
      await this.exclusive(entry.deploymentId, () => this.reoffer(entry.deploymentId, deviceId));
      void this.advance(entry.deploymentId);
    }
  }

  async onOta(deviceId: string, message: OtaUp): Promise<void> {
    const id = message.deployment;
    if (message.kind === 'fetch') {
      const app = await this.transferApp(id, deviceId);
      if (app) return this.serve(id, app, deviceId, message);
      this.logger.warn(`${deviceId}: fetch for deployment ${id}, which is not sending it anything`);
      return;
    }
    await this.queue.add(String(id), 'report', { deviceId, report: message }, (reports) =>
      this.record(id, reports),
    );
    await this.advance(id);
  }

  /**
   * The payload a device may fetch for a deployment, for transports that cut their own
   * blocks (CoAP Block2); null when the deployment is not sending this device anything.
   * `sent` is called with the bytes the transport actually sent.
   */
  async transferPayload(
    id: number,
    deviceId: string,
  ): Promise<{ payload: Uint8Array; sent: (bytes: number) => void } | null> {
    const app = await this.transferApp(id, deviceId);
    if (!app) return null;
    try {
      const payload = await this.transfers.whole(app);
      return { payload, sent: (bytes) => this.transfers.countSent(id, deviceId, bytes) };
    } catch (err) {
      await this.payloadUnavailable(id, app, deviceId, err as Error);
      return null;
    }
  }

  /** A payload the gateway cannot read back intact fails the device's update, not the gateway. */
  private async serve(id: number, app: DeploymentApp, deviceId: string, fetch: OtaFetch) {
    try {
      await this.transfers.serve(id, app, deviceId, fetch);
    } catch (err) {
      await this.payloadUnavailable(id, app, deviceId, err as Error);
    }
  }

  private async payloadUnavailable(id: number, app: DeploymentApp, deviceId: string, err: Error) {
    const reason = `the gateway cannot send ${app.name}@${app.version}: ${err.message}`;
    await this.exclusive(id, async () => {
      const entry = await this.repo.entry(id, deviceId);
      if (!entry || isTerminal(entry.state)) return;
      await this.cancelTransfer(entry);
      await this.save(id, [
        {
          deviceId,
          change: (e) =>
            isTerminal(e.state)
              ? null
              : withState(e, 'failed', Date.now(), 'payload_unavailable', reason),
        },
      ]);
    });
    await this.advance(id);
  }

  /** The app a device may fetch for a deployment: only while its update is under way. */
  private async transferApp(id: number, deviceId: string): Promise<DeploymentApp | null> {
    const key = `${id}/${deviceId}`;
    const known = this.inFlight.get(key);
    if (known) return known;
    // The book and the app of a deployment stepped here spare a device's first fetch two reads.
    const entry = this.books.get(id)?.get(deviceId) ?? (await this.repo.entry(id, deviceId));
    if (!entry || isTerminal(entry.state)) return null;
    const app = this.appsOf.get(id) ?? (await this.repo.find(id))?.app;
    if (!app) return null;
    this.inFlight.set(key, app);
    return app;
  }

  /** Tells devices in the middle of a transfer to drop it. */
  async cancelTransfer(entry: DeviceRollout): Promise<void> {
    if (entry.state === 'offered' || entry.state === 'transferring') {
      const cancel = { op: 'cancel', deployment: entry.deploymentId };
      await this.link.send(entry.deviceId, 'update', cancel);
    }
  }

  /**
   * Cancels the deployment's entries that are not final or past their transfer (those
   * verify and install what they have), telling devices in a transfer to drop it, in one
   * transaction. Runs inside the deployment's queue (exclusive).
   */
  async cancelEntries(deploymentId: number, entries: DeviceRollout[], reason: string) {
    const due = entries.filter((e) => !isTerminal(e.state) && !AFTER_TRANSFER.has(e.state));
    for (const entry of due) await this.cancelTransfer(entry);
    const cancel = (e: DeviceRollout) =>
      isTerminal(e.state) || AFTER_TRANSFER.has(e.state)
        ? null
        : withState(e, 'cancelled', Date.now(), 'cancelled', reason);
    await this.save(
      deploymentId,
      due.map(({ deviceId }) => ({ deviceId, change: cancel })),
    );
  }

  private async step(id: number): Promise<void> {
    const deployment = await this.repo.find(id);
    const lease = `deployment:${id}`;
    if (deployment?.status !== 'running') {
      this.forget(id);
      return this.leases.release(lease);
    }
    this.appsOf.set(id, deployment.app);
    const book = await this.book(id);
    const entries = [...book.values()];
    // Another live instance owns it and moves its waves; this one offers the wave to the
    // devices connected here (CoAP sessions, an embedded broker), which the owner cannot reach.
    if (!(await this.leases.acquire(lease))) return this.offerHere(deployment, entries);
    const next = nextStep(deployment, entries, (deviceId) => this.link.isConnected(deviceId));
    const now = Date.now();
    if (next.halt) {
      this.logger.warn(`deployment ${id} halted: ${next.halt}`);
      await this.repo.update(id, { status: 'halted', reason: next.halt, updatedAt: now });
      this.forget(id);
      return this.leases.release(lease);
    }
    if (next.wave !== deployment.currentWave) {
      this.logger.log(`deployment ${id}: wave ${next.wave + 1} of ${deployment.waveCount}`);
      await this.repo.update(id, { currentWave: next.wave, updatedAt: now });
    }
    if (next.complete) {
      this.logger.log(`deployment ${id} completed: ${next.complete}`);
      const done = { status: 'completed', reason: next.complete, finishedAt: now } as const;
      await this.repo.update(id, { ...done, updatedAt: now });
      this.forget(id);
      return this.leases.release(lease);
    }
    if (next.offer.length === 0) return;
    await this.offer(
      deployment,
      next.offer.map((deviceId) => book.get(deviceId)!),
    );
    // Offers a device skipped at once may finish a wave: look again.
    void this.advance(id);
  }

  /**
   * Every entry of a deployment: what this instance keeps when it is the only one on its
   * database (every write goes through here, so the book is exact), else as stored.
   */
  async entries(id: number): Promise<DeviceRollout[]> {
    const book = this.leases.shared ? undefined : this.books.get(id);
    return book ? [...book.values()] : this.repo.entries(id);
  }

  /** Drops what is kept of a deployment that is no longer running. */
  private forget(id: number): void {
    this.books.delete(id);
    this.appsOf.delete(id);
  }

  /** The deployment's entries as this instance last read or wrote them (read once, then kept). */
  private async book(id: number): Promise<Map<string, DeviceRollout>> {
    let book = this.books.get(id);
    if (!book) {
      book = new Map((await this.repo.entries(id)).map((e) => [e.deviceId, e]));
      this.books.set(id, book);
    }
    return book;
  }

  /** The pending devices of the owner's current wave that are connected to this instance. */
  private async offerHere(deployment: Deployment, entries: DeviceRollout[]): Promise<void> {
    const due = entries.filter(
      (e) =>
        e.state === 'pending' &&
        e.wave <= deployment.currentWave &&
        this.link.isConnected(e.deviceId),
    );
    if (due.length > 0) await this.offer(deployment, due);
  }

  /**
   * Offers the update to pending devices, unless one turned out not to fit. "offered" is
   * stored first, and only from pending, so the offer goes out once per wave even if two
   * instances believed they owned the deployment; a device the send missed hears it again
   * when it says hello (reoffer). In slices, the event loop free between them.
   */
  private async offer(deployment: Deployment, entries: DeviceRollout[]): Promise<void> {
    // One app and manifest lookup per step, however many devices it offers to.
    const app = await this.apps.get(deployment.app.name, deployment.app.version);
    const offer = await this.offerMessage(deployment);
    const tagged = await this.taggedDevices(deployment, entries.length);
    for (let i = 0; i < entries.length; i += OFFER_SLICE) {
      if (i > 0) await nextTurn();
      const changes: EntryChange[] = [];
      for (const { deviceId } of entries.slice(i, i + OFFER_SLICE)) {
        const device = tagged.get(deviceId) ?? (await this.findDevice(deviceId));
        const change = this.offerChange(app, deviceId, device);
        if (change) changes.push({ deviceId, change });
      }
      for (const t of await this.save(deployment.id, changes)) {
        if (t?.changed && t.after.state === 'offered') {
          await this.link.send(t.after.deviceId, 'update', offer);
        }
      }
    }
  }

  /** What offering does to a pending device's entry: skipped if it does not fit, else offered if connected. */
  private offerChange(
    app: App,
    deviceId: string,
    device: Device | null,
  ): EntryChange['change'] | null {
    const unfit = device ? incompatibility(app, planDeviceOf(device)) : 'device was deleted';
    if (unfit) {
      return (e) =>
        e.state === 'pending' ? withState(e, 'skipped', Date.now(), 'incompatible', unfit) : null;
    }
    if (!this.link.isConnected(deviceId)) return null;
    return (e) => (e.state === 'pending' ? withState(e, 'offered', Date.now()) : null);
  }

  /** Offers again to a device that is back: pending ones if their wave is due, others always. */
  private async reoffer(deploymentId: number, deviceId: string): Promise<void> {
    const deployment = await this.repo.find(deploymentId);
    const entry = await this.repo.entry(deploymentId, deviceId);
    if (!deployment || !entry || isTerminal(entry.state)) return;
    // A pending device waits for its wave; one that was offered before hears it again.
    if (entry.state === 'pending') return;
    await this.link.send(deviceId, 'update', await this.offerMessage(deployment));
  }

  private async offerMessage(deployment: Deployment): Promise<object> {
    const manifest = await this.apps.manifest(deployment.app.name, deployment.app.version);
    return {
      op: 'offer',
      deployment: deployment.id,
      manifest,
      healthWindowMs: deployment.healthWindowMs,
    };
  }

  /** Devices' reports, in the order they came, applied in one transaction. */
  private async record(
    deploymentId: number,
    reports: { deviceId: string; report: OtaReport }[],
  ): Promise<void[]> {
    const changes = reports.map(({ deviceId, report }) => ({
      deviceId,
      change: (current: DeviceRollout) => applyReport(current, report, Date.now()),
    }));
    const results = await this.save(deploymentId, changes);
    results.forEach((t, i) => {
      if (t) return;
      const { deviceId } = reports[i];
      this.logger.warn(
        `${deviceId}: report for deployment ${deploymentId}, which does not target it`,
      );
    });
    return reports.map(() => undefined);
  }

  /**
   * Applies the changes to the entries as stored now (locked), in one transaction, and
   * keeps what is stored in the deployment's book. One result per change, null when the
   * device has no entry.
   */
  private async save(
    deploymentId: number,
    changes: EntryChange[],
  ): Promise<(EntryTransition | null)[]> {
    const results = await this.repo.transitions(deploymentId, changes, this.leases.instanceId);
    const book = this.books.get(deploymentId);
    for (const t of results) {
      if (!t) continue;
      book?.set(t.after.deviceId, t.after);
      if (t.changed) this.changed(t);
    }
    return results;
  }

  private changed({ before, after }: EntryTransition): void {
    if (isTerminal(after.state)) this.inFlight.delete(`${after.deploymentId}/${after.deviceId}`);
    if (isTerminal(after.state) && !isTerminal(before.state)) {
      this.metrics.otaResults.inc({ state: after.state });
      const why = after.reason ? `: ${after.code ?? ''} ${after.reason}` : '';
      this.logger.log(`deployment ${after.deploymentId}: ${after.deviceId} ${after.state}${why}`);
    }
  }

  /**
   * A tag target's devices by id, in one query when a wave offers to many of them (one
   * lookup each costs more); a device not among them (untagged since) is looked up alone.
   */
  private async taggedDevices(deployment: Deployment, count: number): Promise<Map<string, Device>> {
    if (count <= OFFER_SLICE || !('tag' in deployment.target)) return new Map();
    const devices = await this.devices.list({ tag: deployment.target.tag });
    return new Map(devices.map((d) => [d.id, d]));
  }

  private async findDevice(id: string): Promise<Device | null> {
    try {
      return await this.devices.get(id);
    } catch (err) {
      if (err instanceof DeviceNotFoundError) return null;
      throw err;
    }
  }
}

/** Devices offered to per slice of a wave, the event loop free between slices. */
const OFFER_SLICE = 50;

/** States from which a device finishes its update even when the deployment is cancelled. */
const AFTER_TRANSFER: ReadonlySet<string> = new Set(['verifying', 'installed', 'running']);

/** What planning needs of a device: its VM kind and what it said it can give an app. */
export function planDeviceOf(device: Device): PlanDevice {
  return { id: device.id, vm: device.vm.kind, limits: device.limits };
}
