import { Inject, Injectable, OnModuleDestroy } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import {
  DeviceBadReplyError,
  DeviceOfflineError,
  DeviceRefusedError,
  DeviceTimeoutError,
} from '../common/domain-error';
import { parseOrThrow } from '../common/zod';
import { DevicesService } from '../devices/devices.service';
import { DEVICE_LINK, type DeviceLink } from '../link/device-link';
import {
  commandSchema,
  type CommandOp,
  REPLY_RESULT_SCHEMAS,
  type ReplyMessage,
} from '../protocol';
import { describeIssues } from '../protocol/zod-issues';

export const DEFAULT_COMMAND_TIMEOUT_MS = 5_000;

interface Pending {
  deviceId: string;
  op: CommandOp;
  resolve(result: unknown): void;
  reject(err: Error): void;
  timer: NodeJS.Timeout;
}

export interface CommandResult {
  id: string;
  op: CommandOp;
  result: unknown;
}

/**
 * Thing Monitor, gateway side: sends a command with a fresh correlation id and waits for
 * the one reply carrying it, or times out with a clear error. A result is checked against
 * its command's schema (REPLY_RESULT_SCHEMAS), so what the REST caller gets is the contract.
 */
@Injectable()
export class MonitorService implements OnModuleDestroy {
  private readonly pending = new Map<string, Pending>();

  constructor(
    @Inject(DEVICE_LINK) private readonly link: DeviceLink,
    private readonly devices: DevicesService,
  ) {}

  async command(
    deviceId: string,
    op: string,
    args: unknown,
    timeoutMs = DEFAULT_COMMAND_TIMEOUT_MS,
  ): Promise<CommandResult> {
    const id = randomUUID();
    const command = parseOrThrow(
      commandSchema,
      args === undefined ? { id, op } : { id, op, args },
      'command',
    );
    // DeviceNotFoundError for an unknown id, DeviceElsewhereError when another instance holds it.
    await this.devices.reachableHere(deviceId);
    if (!this.link.isConnected(deviceId)) throw new DeviceOfflineError(deviceId);
    const answered = new Promise<unknown>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new DeviceTimeoutError(deviceId, command.op, timeoutMs));
      }, timeoutMs);
      this.pending.set(id, { deviceId, op: command.op, resolve, reject, timer });
    });
    // Awaited below; until then a timeout must not count as an unhandled rejection.
    answered.catch(() => undefined);
    if (!(await this.link.send(deviceId, 'cmd', command))) {
      this.settle(id);
      throw new DeviceOfflineError(deviceId);
    }
    return { id, op: command.op, result: await answered };
  }

  /** A reply arrived; a reply from another device or with an unknown id is ignored. */
  onReply(deviceId: string, reply: ReplyMessage): boolean {
    const pending = this.pending.get(reply.id);
    if (!pending || pending.deviceId !== deviceId) return false;
    this.settle(reply.id);
    if (reply.ok) {
      const checked = REPLY_RESULT_SCHEMAS[pending.op].safeParse(reply.result);
      if (checked.success) pending.resolve(reply.result);
      else
        pending.reject(
          new DeviceBadReplyError(
            deviceId,
            pending.op,
            describeIssues(checked.error.issues, 'result'),
          ),
        );
    } else
      pending.reject(
        new DeviceRefusedError(reply.error.code, `${deviceId}: ${reply.error.message}`),
      );
    return true;
  }

  /** The device's connection is gone: its commands fail now rather than at their timeout. */
  onDeviceOffline(deviceId: string): void {
    for (const [id, p] of this.pending) {
      if (p.deviceId !== deviceId) continue;
      this.settle(id);
      p.reject(new DeviceOfflineError(deviceId));
    }
  }

  onModuleDestroy(): void {
    for (const [id, p] of this.pending) {
      this.settle(id);
      p.reject(new DeviceOfflineError(p.deviceId));
    }
  }

  private settle(id: string): void {
    const pending = this.pending.get(id);
    if (pending) clearTimeout(pending.timer);
    this.pending.delete(id);
  }
}
