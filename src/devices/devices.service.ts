import { Inject, Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { LeaseService } from '../cluster/lease.service';
import { CONFIG, Config } from '../config/config';
import { CredentialHooks } from '../link/credential-hooks';
import { DEVICE_LINK, type DeviceLink } from '../link/device-link';
import type { RosterEntry } from '../link/ports';
import type { Connection } from '../link/transport';
import {
  DeviceElsewhereError,
  DeviceExistsError,
  DeviceNotFoundError,
  InvalidInputError,
  UnauthorizedError,
} from '../common/domain-error';
import { hashSecret, newSecret, secretsEqual, verifySecret } from '../common/secrets';
import type { AppSlotsReport, HelloMessage } from '../protocol';
import { DevicesRepository } from './devices.repository';
import type {
  Device,
  DeviceFilter,
  DeviceHolder,
  DeviceTarget,
  LatestSample,
} from './domain/device';
import type { ProvisionDeviceInput } from './dto/device.dto';

export interface ProvisionedDevice {
  device: Device;
  /** Shown once: only its salted hash is stored. */
  token: string;
}

export interface RotatedToken extends ProvisionedDevice {
  /** Until when the old token is still accepted; null: it is refused from now on. */
  previousTokenValidUntil: number | null;
}

/** The longest grace a rotation may give the old token: a week. */
export const MAX_TOKEN_GRACE_MS = 7 * 24 * 60 * 60 * 1000;

@Injectable()
export class DevicesService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('Devices');
  /** Devices whose live session logged in with a previous (grace) token. */
  private readonly onPreviousToken = new Set<string>();
  /** Per device: drops a grace-token session when its grace ends. */
  private readonly graceTimers = new Map<string, NodeJS.Timeout>();
  private orphanTimer?: NodeJS.Timeout;

  constructor(
    private readonly repo: DevicesRepository,
    @Inject(CONFIG) private readonly config: Config,
    @Inject(DEVICE_LINK) private readonly link: DeviceLink,
    private readonly credentials: CredentialHooks,
    private readonly cluster: LeaseService,
  ) {}

  async provision(input: ProvisionDeviceInput): Promise<ProvisionedDevice> {
    if (await this.repo.exists(input.id)) throw new DeviceExistsError(input.id);
    const token = newSecret();
    const device = await this.repo.insert({
      id: input.id,
      board: input.board,
      vm: input.vm,
      tags: input.tags,
      tokenHash: hashSecret(token),
      createdAt: Date.now(),
    });
    await this.credentials.changed({ kind: 'token', deviceId: device.id, token });
    this.logger.log(`provisioned ${device.id} (${device.board}, ${device.vm.kind})`);
    return { device, token };
  }

  /** Self-provisioning with the fleet enrollment key, when one is configured. */
  async enroll(
    enrollmentKey: string | undefined,
    input: ProvisionDeviceInput,
  ): Promise<ProvisionedDevice> {
    const expected = this.config.enrollmentKey;
    if (!expected)
      throw new UnauthorizedError(
        'enrollment is disabled: set VMFLEET_ENROLLMENT_KEY on the gateway',
      );
    if (!enrollmentKey || !secretsEqual(enrollmentKey, expected)) {
      throw new UnauthorizedError('wrong enrollment key (header X-Enrollment-Key)');
    }
    return this.provision(input);
  }

  async get(id: string): Promise<Device> {
    const device = await this.repo.findById(id);
    if (!device) throw new DeviceNotFoundError(id);
    return device;
  }

  /**
   * The device, for a downlink from this instance: refused naming the instance when
   * another one holds its connection (its CoAP session, its embedded broker), where a
   * command sent from here would reach no device, or only a stale session of it.
   */
  async reachableHere(id: string): Promise<Device> {
    const device = await this.get(id);
    const held = device.online ? device.instance : null;
    if (held !== null && held !== this.cluster.instanceId) {
      throw new DeviceElsewhereError(id, held, device.transport ?? 'unknown');
    }
    return device;
  }

  list(filter: DeviceFilter): Promise<Device[]> {
    return this.repo.list(filter);
  }

  /** Every device and whether it may log in (DeviceRoster port: an external broker's resync). */
  async roster(): Promise<RosterEntry[]> {
    return (await this.repo.list({})).map((d) => ({ id: d.id, revoked: d.revokedAt !== null }));
  }

  /**
   * The devices a deployment or campaign names: every device with the tag (by id; an
   * unknown tag is an error), or the listed ids (each must exist; duplicates once).
   */
  async resolveTarget(target: DeviceTarget): Promise<Device[]> {
    if ('tag' in target) {
      const devices = await this.list({ tag: target.tag });
      if (devices.length === 0) {
        throw new InvalidInputError(`no device has the tag "${target.tag}"`, ['target.tag']);
      }
      return devices.sort((a, b) => a.id.localeCompare(b.id));
    }
    return Promise.all([...new Set(target.devices)].map((id) => this.get(id)));
  }

  /** Deletes the registration and drops the device's connection: its token is gone with it. */
  async remove(id: string): Promise<void> {
    if (!(await this.repo.delete(id))) throw new DeviceNotFoundError(id);
    this.forgetGrace(id);
    await this.credentials.changed({ kind: 'deleted', deviceId: id });
    await this.link.disconnect(id);
    this.logger.log(`deleted ${id}`);
  }

  async editTags(id: string, add: string[], remove: string[]): Promise<Device> {
    if (!(await this.repo.exists(id))) throw new DeviceNotFoundError(id);
    await this.repo.editTags(id, add, remove);
    return this.get(id);
  }

  /**
   * True only for a known, unrevoked device presenting its current token, or its previous
   * one within a rotation's grace period.
   */
  async authenticate(id: string, token: string): Promise<boolean> {
    const c = await this.repo.credentialsOf(id);
    if (!c || c.revokedAt !== null) return false;
    if (verifySecret(token, c.tokenHash)) {
      this.onPreviousToken.delete(id);
      return true;
    }
    const inGrace =
      c.previousTokenHash !== null &&
      c.previousTokenUntil !== null &&
      Date.now() < c.previousTokenUntil &&
      verifySecret(token, c.previousTokenHash);
    if (inGrace) this.onPreviousToken.add(id);
    return inGrace;
  }

  /**
   * A new token (shown once) for the device; its live connection is dropped so it logs in
   * again. With a grace period the old token is still accepted until it ends, and a session
   * opened with the old token is dropped then. Gives a revoked device its way back.
   */
  async rotateToken(id: string, graceMs = 0): Promise<RotatedToken> {
    if (!Number.isInteger(graceMs) || graceMs < 0 || graceMs > MAX_TOKEN_GRACE_MS) {
      throw new InvalidInputError(
        `grace must be 0 to ${MAX_TOKEN_GRACE_MS / 1000} s (a week), got ${graceMs / 1000} s`,
        ['graceSeconds'],
      );
    }
    const current = await this.repo.credentialsOf(id);
    if (!current) throw new DeviceNotFoundError(id);
    const token = newSecret();
    const now = Date.now();
    const until = graceMs > 0 && current.revokedAt === null ? now + graceMs : null;
    const previous = until === null ? null : { hash: current.tokenHash, until };
    await this.repo.rotateToken(id, hashSecret(token), previous, now);
    await this.credentials.changed({ kind: 'token', deviceId: id, token });
    this.onPreviousToken.delete(id);
    await this.link.disconnect(id);
    if (until !== null) this.dropGraceSessionAt(id, until - now);
    const grace = until === null ? 'old token refused now' : `old token valid ${graceMs / 1000} s`;
    this.logger.log(`rotated the token of ${id} (${grace})`);
    return { device: await this.get(id), token, previousTokenValidUntil: until };
  }

  /** No token is accepted for the device any more; it and its history stay. */
  async revoke(id: string): Promise<Device> {
    if (!(await this.repo.revoke(id, Date.now()))) throw new DeviceNotFoundError(id);
    this.forgetGrace(id);
    await this.credentials.changed({ kind: 'revoked', deviceId: id });
    await this.link.disconnect(id);
    this.logger.log(`revoked ${id}`);
    return this.get(id);
  }

  private forgetGrace(id: string): void {
    clearTimeout(this.graceTimers.get(id));
    this.graceTimers.delete(id);
    this.onPreviousToken.delete(id);
  }

  private dropGraceSessionAt(id: string, delayMs: number): void {
    clearTimeout(this.graceTimers.get(id));
    const timer = setTimeout(() => {
      this.graceTimers.delete(id);
      if (!this.onPreviousToken.delete(id)) return;
      this.logger.log(`${id}: the grace of its old token ended; dropping that session`);
      this.link.disconnect(id).catch((err: Error) => this.logger.warn(err.message));
    }, delayMs);
    timer.unref();
    this.graceTimers.set(id, timer);
  }

  /** On a shared database: every heartbeat, the devices of dead instances go offline. */
  onModuleInit(): void {
    if (!this.cluster.shared) return;
    this.orphanTimer = setInterval(() => void this.sweepOrphans(), this.cluster.heartbeatMs);
    this.orphanTimer.unref();
  }

  /**
   * A killed instance's devices stay online on its rows until they say hello elsewhere;
   * those that never do (gone with it) are set offline once its `instance:` lease expires.
   */
  async sweepOrphans(): Promise<number> {
    try {
      const live = [...(await this.cluster.liveInstances())];
      const before = Date.now() - this.cluster.leaseTtlMs;
      const swept = await this.repo.markOrphansOffline(live, before);
      if (swept) this.logger.log(`${swept} device(s) of stopped instances set offline`);
      return swept;
    } catch (err) {
      this.logger.warn(`sweeping the devices of stopped instances: ${(err as Error).message}`);
      return 0;
    }
  }

  onModuleDestroy(): void {
    clearInterval(this.orphanTimer);
    for (const timer of this.graceTimers.values()) clearTimeout(timer);
    this.graceTimers.clear();
  }

  /**
   * Birth: the device is online over `via` and tells what it is. Whoever held it before
   * (another instance whose session it left, another transport) no longer does.
   */
  async onHello(id: string, hello: HelloMessage, at: number, via: Connection): Promise<void> {
    const holder = this.holderFor(via);
    const before = await this.repo.holderOf(id);
    if (before && (before.instance !== holder.instance || before.transport !== holder.transport))
      this.logger.log(`${id} moved from ${describe(before)} to ${describe(holder)}`);
    await this.repo.recordHello(id, hello, at, holder);
  }

  /** An OTA report's `slots` (docs/protocol.md §10.1): written, swapped or reverted. */
  async onSlots(id: string, slots: AppSlotsReport, at: number): Promise<void> {
    await this.repo.recordSlots(id, slots, at);
  }

  /** Still connected (an external broker's retained status says so) though this gateway just started. */
  async onStillOnline(id: string, at: number, via: Connection): Promise<void> {
    await this.repo.setOnline(id, at, this.holderFor(via));
  }

  /**
   * The connection `via` ended. The device goes offline only if that connection is still
   * the one its row names: after a takeover the old instance's session ending is stale.
   */
  async onOffline(id: string, at: number, via: Connection): Promise<void> {
    const holder = this.holderFor(via);
    if (!(await this.repo.setOffline(id, at, holder)))
      this.logger.debug(`${id}: ${describe(holder)} ended, but it no longer held the device`);
  }

  private holderFor(via: Connection): DeviceHolder {
    return { transport: via.transport, instance: via.held ? this.cluster.instanceId : null };
  }

  recordLatest(latest: Map<string, LatestSample>): Promise<void> {
    return this.repo.recordLatest(latest);
  }

  /** At start: on a shared database only what this instance held (or nobody did). */
  markAllOffline(): Promise<void> {
    return this.repo.markAllOffline(this.cluster.shared ? this.cluster.instanceId : undefined);
  }
}

function describe(holder: DeviceHolder): string {
  return `${holder.transport}${holder.instance === null ? '' : ` on ${holder.instance}`}`;
}
