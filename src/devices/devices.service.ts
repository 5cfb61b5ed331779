import { Inject, Injectable, Logger } from '@nestjs/common';
import { CONFIG, Config } from '../config/config';
import { DEVICE_LINK, type DeviceLink } from '../link/device-link';
import {
  DeviceExistsError,
  DeviceNotFoundError,
  InvalidInputError,
  UnauthorizedError,
} from '../common/domain-error';
import { hashSecret, newSecret, secretsEqual, verifySecret } from '../common/secrets';
import type { HelloMessage } from '../protocol';
import { DevicesRepository } from './devices.repository';
import type { Device, DeviceFilter, DeviceTarget, LatestSample } from './domain/device';
import type { ProvisionDeviceInput } from './dto/device.dto';

export interface ProvisionedDevice {
  device: Device;
  /** Shown once: only its salted hash is stored. */
  token: string;
}

@Injectable()
export class DevicesService {
  private readonly logger = new Logger('Devices');

  constructor(
    private readonly repo: DevicesRepository,
    @Inject(CONFIG) private readonly config: Config,
    @Inject(DEVICE_LINK) private readonly link: DeviceLink,
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

  list(filter: DeviceFilter): Promise<Device[]> {
    return this.repo.list(filter);
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
    await this.link.disconnect(id);
    this.logger.log(`deleted ${id}`);
  }

  async editTags(id: string, add: string[], remove: string[]): Promise<Device> {
    if (!(await this.repo.exists(id))) throw new DeviceNotFoundError(id);
    await this.repo.editTags(id, add, remove);
    return this.get(id);
  }

  /** True only for a known device presenting its own token. */
  async authenticate(id: string, token: string): Promise<boolean> {
    const stored = await this.repo.tokenHashOf(id);
    return stored !== null && verifySecret(token, stored);
  }

  /** Birth: the device is online and tells what it is. */
  async onHello(id: string, hello: HelloMessage, at: number): Promise<void> {
    await this.repo.recordHello(id, hello, at);
  }

  async onOffline(id: string, at: number): Promise<void> {
    await this.repo.setOffline(id, at);
  }

  recordLatest(latest: Map<string, LatestSample>): Promise<void> {
    return this.repo.recordLatest(latest);
  }

  markAllOffline(): Promise<void> {
    return this.repo.markAllOffline();
  }
}
