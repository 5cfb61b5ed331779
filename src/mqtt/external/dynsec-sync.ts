import { Logger } from '@nestjs/common';
import type { CredentialChange } from '../../link/credential-hooks';
import type { RosterEntry } from '../../link/ports';
import {
  Acl,
  DEVICE_TEXTNAME,
  deviceAcls,
  deviceRole,
  GATEWAY_ROLE,
  gatewayAcls,
} from '../../protocol/broker-acl';
import type { DynsecClient, DynsecCommand } from './dynsec-client';

const EXISTS = /already exists/i;
const NOT_FOUND = /not found/i;

interface ListedClient {
  username: string;
  textname?: string;
  disabled?: boolean;
}

export interface ResyncReport {
  created: number;
  removed: number;
  /** Devices the broker had no login for: their tokens exist only as hashes here, so they need a new one. */
  withoutPassword: string[];
}

/**
 * Keeps Mosquitto's dynamic security in step with the device table: one client per device
 * (username and client id = device id, password = its token) holding a role of its own.
 * Clients without the vmfleet textname are the operator's and are never touched.
 */
export class DynsecSync {
  private readonly logger = new Logger('Dynsec');

  constructor(private readonly dynsec: DynsecClient) {}

  /** Applies one change the devices service made; rejects (BrokerSyncError) if the broker refuses. */
  async apply(change: CredentialChange): Promise<void> {
    const id = change.deviceId;
    switch (change.kind) {
      case 'token':
        return this.setToken(id, change.token);
      case 'revoked':
        // Disabling kicks the live session too (the plugin disconnects the username).
        await this.dynsec.run([{ command: 'disableClient', username: id }], NOT_FOUND);
        return;
      case 'deleted':
        await this.dynsec.run(
          [
            { command: 'deleteClient', username: id },
            { command: 'deleteRole', rolename: deviceRole(id) },
          ],
          NOT_FOUND,
        );
        return;
    }
  }

  /**
   * At start: the gateway role's rules, a role and client for every device, disabled when
   * revoked, and no vmfleet client left for a device that is gone.
   */
  async resync(devices: RosterEntry[]): Promise<ResyncReport> {
    await this.ensureRole(GATEWAY_ROLE, gatewayAcls());
    const listed = await this.listClients();
    const byName = new Map(listed.map((c) => [c.username, c]));
    const wanted = new Set(devices.map((d) => d.id));
    const report: ResyncReport = { created: 0, removed: 0, withoutPassword: [] };
    const commands: DynsecCommand[] = [];
    for (const device of devices) {
      const present = byName.get(device.id);
      if (!present) {
        commands.push(createRole(device.id), createClient(device.id));
        report.created++;
        report.withoutPassword.push(device.id);
      }
      if (device.revoked && !present?.disabled)
        commands.push({ command: 'disableClient', username: device.id });
      if (!device.revoked && present?.disabled)
        commands.push({ command: 'enableClient', username: device.id });
    }
    for (const client of listed) {
      if (client.textname !== DEVICE_TEXTNAME || wanted.has(client.username)) continue;
      commands.push(
        { command: 'deleteClient', username: client.username },
        { command: 'deleteRole', rolename: deviceRole(client.username) },
      );
      report.removed++;
    }
    await this.dynsec.run(commands, /already exists|not found/i);
    if (report.withoutPassword.length)
      this.logger.warn(
        `the broker had no login for ${report.withoutPassword.length} device(s) (${report.withoutPassword.slice(0, 5).join(', ')}${report.withoutPassword.length > 5 ? ', …' : ''}): rotate their tokens (POST /api/devices/:id/token) to let them connect`,
      );
    return report;
  }

  private async setToken(id: string, token: string): Promise<void> {
    const [, created] = await this.dynsec.run([createRole(id), createClient(id, token)], EXISTS);
    if (!created.error) return;
    // A new token for a known client: set it, and drop the session the old one opened
    // (disabling kicks it; the device logs in again with the new token).
    await this.dynsec.run([
      { command: 'setClientPassword', username: id, password: token },
      { command: 'disableClient', username: id },
      { command: 'enableClient', username: id },
    ]);
  }

  private async ensureRole(rolename: string, acls: Acl[]): Promise<void> {
    const [created] = await this.dynsec.run([{ command: 'createRole', rolename, acls }], EXISTS);
    if (!created.error) return;
    await this.dynsec.run(
      acls.map((acl) => ({ command: 'addRoleACL', rolename, ...acl })),
      EXISTS,
    );
  }

  private async listClients(): Promise<ListedClient[]> {
    const [listed] = await this.dynsec.run([{ command: 'listClients', verbose: true, count: -1 }]);
    const clients = (listed.data?.clients ?? []) as ListedClient[];
    return clients.filter((c) => typeof c.username === 'string');
  }
}

function createRole(id: string): DynsecCommand {
  return { command: 'createRole', rolename: deviceRole(id), acls: deviceAcls(id) };
}

/** Without a password no login can succeed: the state after a resync until a new token. */
function createClient(id: string, password?: string): DynsecCommand {
  return {
    command: 'createClient',
    username: id,
    clientid: id,
    textname: DEVICE_TEXTNAME,
    roles: [{ rolename: deviceRole(id) }],
    ...(password === undefined ? {} : { password }),
  };
}
