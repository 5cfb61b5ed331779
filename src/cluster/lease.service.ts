import { Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import type { ClusterConfig } from './cluster-config';
import type { LeasesRepository } from './leases.repository';

/** Every running instance holds `instance:<id>`: the others see it is alive. */
const INSTANCE_LEASE = 'instance:';

export interface LeaseOptions {
  /** One instance on its own database (SQLite): it holds every lease, nothing is written. */
  single: boolean;
  clock?: () => number;
}

/**
 * The leases this instance holds (docs/operations.md "Several instances"). A lease is
 * believed held locally for two thirds of its time to live only, so an instance stops
 * working on it before another may take it over; a heartbeat renews every held lease
 * and keeps trying for the wanted ones (singletons such as the retention sweep).
 */
export class LeaseService implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('Cluster');
  /** Lease name → until when (local clock) this instance may act on it. */
  private readonly held = new Map<string, number>();
  private readonly wanted = new Set<string>();
  private timer?: NodeJS.Timeout;
  private readonly clock: () => number;

  constructor(
    private readonly repo: LeasesRepository,
    private readonly config: ClusterConfig,
    private readonly options: LeaseOptions,
  ) {
    this.clock = options.clock ?? Date.now;
  }

  get instanceId(): string {
    return this.config.instanceId;
  }

  /** Whether other instances may share the database (PostgreSQL), so work must be leased. */
  get shared(): boolean {
    return !this.options.single;
  }

  get leaseTtlMs(): number {
    return this.config.leaseTtlMs;
  }

  /** How often held leases are renewed: a third of their time to live. */
  get heartbeatMs(): number {
    return Math.floor(this.config.leaseTtlMs / 3);
  }

  onModuleInit(): void {
    if (this.options.single) return;
    this.want(INSTANCE_LEASE + this.instanceId);
    this.timer = setInterval(() => void this.heartbeat(), this.heartbeatMs);
    this.timer.unref();
  }

  /** Gives every held lease back, so the others take over at once instead of after expiry. */
  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await Promise.allSettled([...this.held.keys()].map((name) => this.release(name)));
  }

  /** Whether this instance may act on `name` now (no database round trip). */
  holds(name: string): boolean {
    if (this.options.single) return true;
    const until = this.held.get(name);
    return until !== undefined && until > this.clock();
  }

  /** Takes `name` if it is free or expired, renews it if held; true when this instance has it. */
  async acquire(name: string): Promise<boolean> {
    if (this.holds(name)) return true;
    return this.take(name);
  }

  /** Keeps trying for `name` on every heartbeat, e.g. a job only one instance runs. */
  want(name: string): void {
    this.wanted.add(name);
    if (!this.options.single) void this.take(name);
  }

  async release(name: string): Promise<void> {
    this.wanted.delete(name);
    if (this.options.single || !this.held.delete(name)) return;
    await this.repo.release(name, this.instanceId);
  }

  /**
   * The instances alive now: those whose `instance:` lease is held (renewed within the
   * TTL), this one always. A killed instance drops out a TTL after its last heartbeat, a
   * stopped one at once (it released its leases).
   */
  async liveInstances(): Promise<Set<string>> {
    const live = new Set([this.instanceId]);
    if (this.options.single) return live;
    const names = await this.repo.heldWithPrefix(INSTANCE_LEASE, this.clock());
    for (const name of names) live.add(name.slice(INSTANCE_LEASE.length));
    return live;
  }

  /** Renews what is held, tries for what is wanted; a lease that could not be renewed is dropped. */
  async heartbeat(): Promise<void> {
    const names = new Set([...this.held.keys(), ...this.wanted]);
    await Promise.all([...names].map((name) => this.take(name)));
  }

  private async take(name: string): Promise<boolean> {
    const now = this.clock();
    const ttl = this.config.leaseTtlMs;
    try {
      if (await this.repo.acquire(name, this.instanceId, now, now + ttl)) {
        if (!this.held.has(name)) this.logger.log(`${this.instanceId} holds ${name}`);
        this.held.set(name, now + Math.floor((ttl * 2) / 3));
        return true;
      }
    } catch (err) {
      this.logger.warn(`lease ${name}: ${(err as Error).message}`);
    }
    if (this.held.delete(name)) this.logger.warn(`${this.instanceId} lost ${name}`);
    return false;
  }
}
