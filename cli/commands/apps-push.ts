import { basename } from 'node:path';
import { Command, Option } from 'commander';
import { VM_KINDS } from '../../src/protocol';
import { parseAppName, parseAppVersion, parseByteSize } from '../args';
import { commandContext, examples, type CliDeps } from '../context';
import { appFailure, CliError } from '../errors';
import { readImageFile, vmForImage } from '../image-file';
import { printJson, printLine } from '../output';
import { describePush } from '../views/app-views';

interface PushOptions {
  name: string;
  version: string;
  vm?: string;
  ram?: number;
  flash?: number;
  json?: boolean;
}

async function push(file: string, opts: PushOptions, command: Command, deps: CliDeps) {
  const vm = vmForImage(file, opts.vm);
  const payload = readImageFile(file);
  if (payload.length === 0) throw new CliError(`${file} is empty; there is no payload to push`);
  const ctx = commandContext(command, deps);
  const { name, version } = opts;
  const upload = { name, version, vm, payload, fileName: basename(file) };
  const app = await ctx.client
    .pushApp({ ...upload, ramBytes: opts.ram, flashBytes: opts.flash })
    .catch((err: unknown) => {
      throw appFailure(err, `${name}@${version}`);
    });
  if (opts.json) return printJson(ctx.io, app);
  for (const line of describePush(app)) printLine(ctx.io, line);
}

const PUSH_HELP = `
The gateway validates the payload for its VM kind, derives what it needs (RAM, flash,
stack), signs a manifest for it and gives it the next sequence number. A payload it does
not accept prints as \`image_rejected: <reason>\`; a name@version it has as \`app_exists: …\`.
${examples(
  'vmfleet apps push firmware/build/mips1/blink.m1 --name blinky --version 1.2.0',
  'vmfleet apps push firmware/build/wasm/thermostat.wasm --vm wasm-fast --name sensor --version 2.0.0-rc.1 --ram 64KiB',
  'vmfleet apps push firmware/build/mips1/blink.m1 --name blinky --version 1.2.1 --json',
)}`;

export function addPushCommand(apps: Command, deps: CliDeps): void {
  apps
    .command('push')
    .description('upload a payload to the app repository, where the gateway signs it')
    .argument('<file>', 'the payload: a guest image for its VM kind')
    .requiredOption('--name <name>', 'app name: 1-64 chars of a-z 0-9 . _ -', parseAppName)
    .requiredOption('--version <semver>', 'app version: x.y.z or x.y.z-pre', parseAppVersion)
    .addOption(
      new Option(
        '--vm <kind>',
        'VM kind of the payload (default: from the extension, .m1 = mips1)',
      ).choices(VM_KINDS),
    )
    .option(
      '--ram <bytes>',
      'RAM the app needs, when more than the gateway derives (bytes, or 64KiB, 1MiB)',
      parseByteSize,
    )
    .option(
      '--flash <bytes>',
      'flash the app needs, when more than the gateway derives (bytes, or KiB, MiB)',
      parseByteSize,
    )
    .option('--json', 'print the stored app as JSON')
    .addHelpText('after', PUSH_HELP)
    .action((file: string, opts: PushOptions, command: Command) => push(file, opts, command, deps));
}
