import { Command, InvalidArgumentError, Option } from 'commander';
import { VM_KINDS } from '../../src/protocol';
import { collectTag, parseBoardName, parseDeviceId, parseTag } from '../args';
import { commandContext, examples, type CliDeps } from '../context';
import { CliError } from '../errors';
import { formatTags } from '../format';
import { printJson, printLine } from '../output';
import { printDeviceRecord, printDeviceTable } from '../views/device-views';

interface ListOptions {
  tag?: string;
  vm?: string;
  online?: boolean;
  offline?: boolean;
  transport?: string;
  json?: boolean;
}

interface AddOptions {
  board: string;
  vm: string;
  tag?: string[];
  json?: boolean;
  riot?: string | true;
}

/**
 * The RIOT shell lines that provision a firmware/riot device (firmware/riot/README.md):
 * identity, the gateway's CoAP endpoint and the manifest key, kept in the device's flash.
 */
export function riotProvisioning(
  created: { device: { id: string; board: string; vm: { kind: string } }; token: string },
  keyBase64: string,
  gateway: string,
): string[] {
  const key = Buffer.from(keyBase64, 'base64').toString('hex');
  const { id, board, vm } = created.device;
  const native = board.startsWith('native');
  return [
    native
      ? `# start: firmware/riot/bin/${vm.kind}/native64/vmfleet.elf --mtd ${id}.flash tap0`
      : `# flash: make -C firmware/riot BOARD=${board} VM=${vm.kind} flash term`,
    '# then type in the RIOT shell (the device keeps it in flash):',
    ...(native ? ['vmfleet addr <device-ipv6>/64'] : []),
    `vmfleet id ${id}`,
    `vmfleet token ${created.token}`,
    `vmfleet gw ${gateway}`,
    `vmfleet key ${key}`,
    'vmfleet start',
  ];
}

interface TagOptions {
  add?: string[];
  remove?: string[];
  json?: boolean;
}

const jsonOption = (): Option => new Option('--json', 'print JSON instead of a table');
const vmOption = (flags: string, text: string): Option => new Option(flags, text).choices(VM_KINDS);

function addListCommand(devices: Command, deps: CliDeps): void {
  devices
    .command('list')
    .alias('ls')
    .description('list devices, optionally filtered by tag, VM kind, connection state or transport')
    .option('--tag <tag>', 'only devices carrying this tag', parseTag)
    .addOption(vmOption('--vm <kind>', 'only devices running this VM kind'))
    .addOption(new Option('--online', 'only connected devices').conflicts('offline'))
    .addOption(new Option('--offline', 'only disconnected devices'))
    .addOption(
      new Option('--transport <kind>', 'only online devices connected over this transport')
        .choices(['mqtt', 'mqtt-ws', 'coap'])
        .conflicts('offline'),
    )
    .addOption(jsonOption())
    .addHelpText(
      'after',
      examples(
        'vmfleet devices list --vm wasm --online',
        'vmfleet devices list --transport coap',
        'vmfleet devices list --tag lab --json',
      ),
    )
    .action(async (opts: ListOptions, command: Command) => {
      const ctx = commandContext(command, deps);
      const online = opts.online ? true : opts.offline ? false : undefined;
      const { tag, vm, transport } = opts;
      const items = await ctx.client.listDevices({ tag, vm, online, transport });
      if (opts.json) return printJson(ctx.io, items);
      if (items.length === 0) return printLine(ctx.io, 'No devices match.');
      printDeviceTable(ctx.io, items, new Date(ctx.now()));
    });
}

function addShowCommand(devices: Command, deps: CliDeps): void {
  devices
    .command('show')
    .description(
      'show one device: identity, limits, connection, both app slots and its latest sample',
    )
    .argument('<id>', 'device id', parseDeviceId)
    .addOption(jsonOption())
    .addHelpText('after', examples('vmfleet devices show sim-nrf52840-wasm-001'))
    .action(async (id: string, opts: { json?: boolean }, command: Command) => {
      const ctx = commandContext(command, deps);
      const device = await ctx.client.getDevice(id);
      if (opts.json) return printJson(ctx.io, device);
      printDeviceRecord(ctx.io, device, new Date(ctx.now()));
    });
}

function addAddCommand(devices: Command, deps: CliDeps): void {
  devices
    .command('add')
    .description('register a device and print its MQTT token (shown only once)')
    .argument('<id>', 'device id (1-64 chars of A-Z a-z 0-9 _ . -)', parseDeviceId)
    .requiredOption(
      '--board <board>',
      'board name, e.g. nrf52840, esp32, atmega328',
      parseBoardName,
    )
    .addOption(vmOption('--vm <kind>', 'VM kind the device runs').makeOptionMandatory())
    .option('--tag <tag...>', 'tags to attach (repeatable)', collectTag)
    .option(
      '--riot [gateway]',
      'also print the RIOT shell lines that provision a firmware/riot device; gateway is the CoAP endpoint it reaches, [ipv6]:port',
    )
    .addOption(jsonOption())
    .addHelpText(
      'after',
      examples(
        'vmfleet devices add lab-01 --board nrf52840 --vm wasm --tag lab',
        'vmfleet devices add riot-01 --board native64 --vm mips1 --riot [fd00:dead:beef::1]:5683',
      ),
    )
    .action(async (id: string, opts: AddOptions, command: Command) => {
      const ctx = commandContext(command, deps);
      const created = await ctx.client.createDevice({
        id,
        board: opts.board,
        vm: opts.vm,
        tags: opts.tag,
      });
      if (opts.json) printJson(ctx.io, created);
      else {
        printLine(
          ctx.io,
          `Created device ${created.device.id} (${created.device.board}, ${created.device.vm.kind}).`,
        );
        printLine(ctx.io, `Token: ${created.token}`);
        if (opts.riot) {
          const gateway = opts.riot === true ? '[<gateway-ipv6>]:5683' : opts.riot;
          const { publicKey } = await ctx.client.signingKey();
          for (const line of riotProvisioning(created, publicKey, gateway)) printLine(ctx.io, line);
        }
      }
      ctx.io.stderr(
        'Warning: the token is shown only this once; store it now (it is the MQTT password).\n',
      );
    });
}

function addRemoveCommand(devices: Command, deps: CliDeps): void {
  devices
    .command('rm')
    .alias('remove')
    .description('delete a device and its credentials from the gateway')
    .argument('<id>', 'device id', parseDeviceId)
    .addOption(jsonOption())
    .addHelpText('after', examples('vmfleet devices rm lab-01'))
    .action(async (id: string, opts: { json?: boolean }, command: Command) => {
      const ctx = commandContext(command, deps);
      await ctx.client.deleteDevice(id);
      if (opts.json) return printJson(ctx.io, { id, deleted: true });
      printLine(ctx.io, `Deleted device ${id}.`);
    });
}

function addTagCommand(devices: Command, deps: CliDeps): void {
  devices
    .command('tag')
    .description('add and/or remove tags of a device')
    .argument('<id>', 'device id', parseDeviceId)
    .option('--add <tag...>', 'tags to add', collectTag)
    .option('--remove <tag...>', 'tags to remove', collectTag)
    .addOption(jsonOption())
    .addHelpText(
      'after',
      examples('vmfleet devices tag lab-01 --add floor2 calibrated --remove new'),
    )
    .action(async (id: string, opts: TagOptions, command: Command) => {
      if (!opts.add && !opts.remove)
        throw new CliError('nothing to change: pass --add and/or --remove');
      const ctx = commandContext(command, deps);
      const device = await ctx.client.updateTags(id, { add: opts.add, remove: opts.remove });
      if (opts.json) return printJson(ctx.io, device);
      printLine(ctx.io, `Tags of ${device.id}: ${formatTags(device.tags)}`);
    });
}

const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400 };

/** `--grace`: `0`, `90s`, `10m`, `1h`, `2d` (a bare number is seconds) → seconds, at most a week. */
export function parseGrace(value: string): number {
  const match = /^(\d+)([smhd]?)$/.exec(value.trim());
  if (!match) throw new InvalidArgumentError('expected a duration such as 30s, 10m, 1h or 2d');
  const seconds = Number(match[1]) * UNIT_SECONDS[match[2] || 's'];
  if (seconds > 7 * 86_400) throw new InvalidArgumentError('the grace period is at most 7d');
  return seconds;
}

function addRotateTokenCommand(devices: Command, deps: CliDeps): void {
  devices
    .command('rotate-token')
    .description(
      'give a device a new token (printed once) and drop its live connection; the old token is refused at once, or after --grace',
    )
    .argument('<id>', 'device id', parseDeviceId)
    .option(
      '--grace <duration>',
      'keep accepting the old token this long (30s, 10m, 1h, 2d; at most 7d), so the device can be updated first',
      parseGrace,
      0,
    )
    .addOption(jsonOption())
    .addHelpText(
      'after',
      examples(
        'vmfleet devices rotate-token lab-01',
        'vmfleet devices rotate-token lab-01 --grace 10m',
        'vmfleet devices rotate-token lab-01 --json | jq -r .token',
      ) + '\nA revoked device gets its way back with a new token (the grace does not apply).\n',
    )
    .action(async (id: string, opts: { grace: number; json?: boolean }, command: Command) => {
      const ctx = commandContext(command, deps);
      const rotated = await ctx.client.rotateToken(id, opts.grace);
      if (opts.json) printJson(ctx.io, rotated);
      else {
        printLine(ctx.io, `New token for ${rotated.device.id}: ${rotated.token}`);
        printLine(
          ctx.io,
          rotated.previousTokenValidUntil
            ? `The old token is accepted until ${rotated.previousTokenValidUntil}; its session is dropped then.`
            : 'The old token is refused from now on; the live connection was dropped.',
        );
      }
      ctx.io.stderr(
        'Warning: the token is shown only this once; store it now (it is the MQTT password).\n',
      );
    });
}

function addRevokeCommand(devices: Command, deps: CliDeps): void {
  devices
    .command('revoke')
    .description(
      'refuse every token of a device on MQTT and CoAP and drop its connection; the device and its history stay',
    )
    .argument('<id>', 'device id', parseDeviceId)
    .addOption(jsonOption())
    .addHelpText(
      'after',
      examples(
        'vmfleet devices revoke lab-01',
        'vmfleet devices rotate-token lab-01   # let it back',
      ),
    )
    .action(async (id: string, opts: { json?: boolean }, command: Command) => {
      const ctx = commandContext(command, deps);
      const device = await ctx.client.revokeDevice(id);
      if (opts.json) return printJson(ctx.io, device);
      printLine(
        ctx.io,
        `Revoked device ${device.id}: no token is accepted; \`vmfleet devices rotate-token ${device.id}\` lets it back.`,
      );
    });
}

export function registerDevicesCommand(program: Command, deps: CliDeps): void {
  const devices = program
    .command('devices')
    .description('manage registered devices')
    .addHelpText(
      'after',
      examples(
        'vmfleet devices list --online',
        'vmfleet devices add lab-01 --board esp32 --vm lua',
      ),
    );
  addListCommand(devices, deps);
  addShowCommand(devices, deps);
  addAddCommand(devices, deps);
  addRemoveCommand(devices, deps);
  addTagCommand(devices, deps);
  addRotateTokenCommand(devices, deps);
  addRevokeCommand(devices, deps);
}
