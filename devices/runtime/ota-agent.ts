import type { Manifest } from '../../src/protocol/manifest';
import type { AppRef, OtaDown, OtaFailureCode, OtaReport, OtaUp } from '../../src/protocol';
import { AppSlots, UpdateError } from './app-slots';
import { errorMessage } from './monitor-errors';
import type { ThingMonitor, VmLifecycleEvent } from './thing-monitor';

export interface OtaAgentOptions {
  /** Null when the device was given no gateway key: every offer is refused with no_key. */
  slots: AppSlots | null;
  monitor: ThingMonitor;
  /** Largest chunk the board buffers: each fetch asks for at most this many bytes. */
  maxChunkBytes: number;
  send: (message: OtaUp) => Promise<void>;
  /** A fetch unanswered this long is asked again (the gateway may have restarted). */
  fetchRetryMs?: number;
  /** Pause before each fetch after the first: the device takes its update at its own pace. */
  paceMs?: number;
  log?: (message: string) => void;
}

type Offer = Extract<OtaDown, { op: 'offer' }>;
type Chunk = Extract<OtaDown, { op: 'chunk' }>;

interface Job {
  deployment: number;
  manifest: Manifest;
  healthWindowMs: number;
  state: OtaReport['state'];
  /** Verified bytes from offset 0: the next fetch starts here. */
  offset: number;
  timer?: NodeJS.Timeout;
  stopWatching?: () => void;
}

const DEFAULT_FETCH_RETRY_MS = 5000;
/** Final reports kept to answer a re-offer (the gateway restarted and asks again). */
const FINISHED_KEPT = 16;

/**
 * The device's side of an OTA update (docs/protocol.md §10.1): checks an offer against
 * the gateway key and the running app, pulls the payload chunk by chunk into the inactive
 * slot, verifies it, swaps it in at runtime, and watches a health window after which it
 * reports healthy, or swaps the previous app back and reports rolled-back.
 */
export class OtaAgent {
  private job: Job | null = null;
  private readonly finished = new Map<number, OtaReport>();
  private readonly retryMs: number;

  constructor(private readonly options: OtaAgentOptions) {
    this.retryMs = options.fetchRetryMs ?? DEFAULT_FETCH_RETRY_MS;
  }

  handle(message: OtaDown): void {
    switch (message.op) {
      case 'offer':
        return this.offer(message);
      case 'chunk':
        return this.chunk(message);
      case 'cancel':
        return this.cancel(message.deployment);
    }
  }

  /** The device is shutting down: timers stop, the staged bytes stay in flash. */
  stop(): void {
    this.clearTimers();
  }

  private offer(offer: Offer): void {
    const { deployment } = offer;
    const done = this.finished.get(deployment);
    if (done) return this.send(done);
    if (this.job?.deployment === deployment) return this.resume(this.job);
    if (this.job && this.job.state !== 'transferring') {
      return this.refuse(deployment, 'busy', `update ${this.job.deployment} is being installed`);
    }
    const { slots } = this.options;
    if (!slots) return this.refuse(deployment, 'no_key', 'this device has no gateway key');
    try {
      const manifest = slots.check(offer.manifest);
      if (slots.isCurrent(manifest)) {
        return this.conclude(deployment, { state: 'healthy', app: appRef(manifest) });
      }
      // A newer offer replaces a transfer under way; begin() keeps its bytes if the payload is the same.
      this.clearTimers();
      this.job = null;
      slots.begin(offer.manifest);
      this.job = {
        deployment,
        manifest,
        healthWindowMs: offer.healthWindowMs,
        state: 'transferring',
        offset: slots.resumeOffset,
      };
    } catch (error) {
      if (error instanceof UpdateError) return this.refuse(deployment, error.code, error.message);
      throw error;
    }
    this.resume(this.job);
  }

  /** Says where the transfer stands and asks for the next chunk; later states re-report. */
  private resume(job: Job): void {
    if (job.state !== 'transferring') return this.report(job, {});
    this.report(job, { offset: job.offset });
    this.fetchNext(job);
  }

  private chunk(chunk: Chunk): void {
    const job = this.job;
    // A duplicate or late chunk (a retried fetch answered twice) is dropped.
    if (job?.deployment !== chunk.deployment || job.state !== 'transferring') return;
    if (chunk.offset !== job.offset) return;
    try {
      job.offset = this.slots().write(chunk.offset, chunk.data);
    } catch (error) {
      this.options.log?.(`ota ${job.deployment}: chunk dropped: ${errorMessage(error)}`);
      return;
    }
    const pace = this.options.paceMs ?? 0;
    if (pace <= 0) return this.fetchNext(job);
    clearTimeout(job.timer);
    job.timer = setTimeout(() => this.job === job && this.fetchNext(job), pace);
  }

  private fetchNext(job: Job): void {
    clearTimeout(job.timer);
    if (job.offset >= job.manifest.size) return this.install(job);
    const length = Math.min(this.options.maxChunkBytes, job.manifest.size - job.offset);
    const fetch: OtaUp = { kind: 'fetch', deployment: job.deployment, offset: job.offset, length };
    void this.options.send(fetch).catch(() => undefined);
    job.timer = setTimeout(() => this.job === job && this.fetchNext(job), this.retryMs);
    job.timer.unref?.();
  }

  /** Verifies the staged payload, swaps it in and starts it; then the health window runs. */
  private install(job: Job): void {
    this.enter(job, 'verifying');
    const slots = this.slots();
    let payload: Uint8Array;
    try {
      payload = slots.commit().payload;
    } catch (error) {
      const code = error instanceof UpdateError ? error.code : 'digest_mismatch';
      return this.fail(job, code, errorMessage(error));
    }
    const app = appRef(job.manifest);
    try {
      this.options.monitor.installApp(payload, app);
    } catch (error) {
      slots.undoCommit();
      return this.fail(job, 'image_rejected', errorMessage(error));
    }
    this.enter(job, 'installed');
    job.stopWatching = this.options.monitor.onLifecycle((event) => this.watch(job, event));
    this.options.monitor.startApp();
    if (this.job !== job) return; // it faulted at once and was rolled back already
    this.enter(job, 'running');
    job.timer = setTimeout(() => this.healthy(job), job.healthWindowMs);
    job.timer.unref?.();
  }

  private watch(job: Job, event: VmLifecycleEvent): void {
    if (this.job !== job) return;
    if (event.state === 'faulted') {
      const fault = event.fault;
      this.rollBack(job, 'app_fault', fault ? `${fault.code}: ${fault.message}` : 'faulted');
    } else if (event.state === 'stopped' && event.exitCode !== undefined && event.exitCode !== 0) {
      this.rollBack(job, 'app_exit', `exited with code ${event.exitCode}`);
    }
  }

  private healthy(job: Job): void {
    if (this.job !== job) return;
    this.conclude(job.deployment, { state: 'healthy', app: appRef(job.manifest) });
  }

  /** Swaps the previous app back in and starts it: the device keeps a runnable app. */
  private rollBack(job: Job, code: OtaFailureCode, reason: string): void {
    const slots = this.slots();
    if (!slots.previous) return this.fail(job, 'no_previous', `${reason}; no previous app`);
    const previous = slots.revert();
    const app = appRef(previous.manifest);
    try {
      this.options.monitor.installApp(previous.payload, app);
      this.options.monitor.startApp();
    } catch (error) {
      return this.fail(job, code, `${reason}; the previous app failed too: ${errorMessage(error)}`);
    }
    this.conclude(job.deployment, { state: 'rolled-back', code, reason, app });
  }

  private cancel(deployment: number): void {
    const job = this.job;
    if (job?.deployment !== deployment || job.state !== 'transferring') return;
    this.abandonJob();
    this.conclude(deployment, { state: 'failed', code: 'cancelled', reason: 'cancelled' });
  }

  private refuse(deployment: number, code: OtaFailureCode, reason: string): void {
    this.options.log?.(`ota ${deployment}: refused: ${code}: ${reason}`);
    this.conclude(deployment, { state: 'failed', code, reason });
  }

  private fail(job: Job, code: OtaFailureCode, reason: string): void {
    this.options.log?.(`ota ${job.deployment}: failed: ${code}: ${reason}`);
    this.conclude(job.deployment, { state: 'failed', code, reason });
  }

  /** A final report: remembered for re-offers, and the job (if it was this one) ends. */
  private conclude(deployment: number, fields: Omit<OtaReport, 'kind' | 'deployment'>): void {
    if (this.job?.deployment === deployment) {
      this.clearTimers();
      this.job = null;
    }
    const report: OtaReport = { kind: 'report', deployment, ...fields };
    this.finished.delete(deployment);
    this.finished.set(deployment, report);
    if (this.finished.size > FINISHED_KEPT) {
      this.finished.delete(this.finished.keys().next().value as number);
    }
    this.send(report);
  }

  private enter(job: Job, state: OtaReport['state']): void {
    job.state = state;
    this.report(job, {});
  }

  private report(job: Job, extra: Partial<OtaReport>): void {
    const app = this.options.monitor.status().app;
    this.send({ kind: 'report', deployment: job.deployment, state: job.state, app, ...extra });
  }

  private send(message: OtaUp): void {
    void this.options.send(message).catch(() => undefined);
  }

  private abandonJob(): void {
    this.clearTimers();
    if (this.job?.state === 'transferring') this.options.slots?.abandon();
    this.job = null;
  }

  private clearTimers(): void {
    clearTimeout(this.job?.timer);
    this.job?.stopWatching?.();
  }

  private slots(): AppSlots {
    if (!this.options.slots) throw new Error('no app slots');
    return this.options.slots;
  }
}

function appRef(manifest: Manifest): AppRef {
  return { id: manifest.name, version: manifest.version };
}
