import { Command, Option } from 'commander';
import { VM_KINDS } from '../../src/protocol';
import { parseAppKey, parseAppName, type AppKey } from '../args';
import { commandContext, examples, type CliDeps } from '../context';
import { appFailure } from '../errors';
import { printJson, printLine } from '../output';
import { appRef, printAppRecord, printAppTable, printSigningKey } from '../views/app-views';
import { addDownloadCommand } from './apps-download';
import { addPushCommand } from './apps-push';

interface ListOptions {
  name?: string;
  vm?: string;
  all?: boolean;
  json?: boolean;
}

const jsonOption = (): Option => new Option('--json', 'print JSON instead of a table');
const appArgument = '<name@version>';
const appArgumentText = 'the app, e.g. blinky@1.2.0';

function addListCommand(apps: Command, deps: CliDeps): void {
  apps
    .command('list')
    .alias('ls')
    .description('list the apps of the repository, newest first')
    .option('--name <name>', 'only versions of this app', parseAppName)
    .addOption(new Option('--vm <kind>', 'only apps for this VM kind').choices(VM_KINDS))
    .option('--all', "also the gateway's benchmark images (bench-*), hidden by default")
    .addOption(jsonOption())
    .addHelpText(
      'after',
      examples(
        'vmfleet apps list',
        'vmfleet apps list --name blinky',
        'vmfleet apps ls --all --json',
      ),
    )
    .action(async (opts: ListOptions, command: Command) => {
      const ctx = commandContext(command, deps);
      const filter = { name: opts.name, vm: opts.vm, all: opts.all };
      const items = await ctx.client.listApps(filter);
      if (opts.json) return printJson(ctx.io, items);
      if (items.length > 0) return printAppTable(ctx.io, items);
      const filtered = opts.name !== undefined || opts.vm !== undefined;
      printLine(
        ctx.io,
        filtered ? 'No apps match.' : 'No apps yet; add one with `vmfleet apps push`.',
      );
    });
}

function addShowCommand(apps: Command, deps: CliDeps): void {
  apps
    .command('show')
    .description('show one app: payload, SHA-256, sequence, needs and its signing key')
    .argument(appArgument, appArgumentText, parseAppKey)
    .addOption(jsonOption())
    .addHelpText(
      'after',
      examples('vmfleet apps show blinky@1.2.0', 'vmfleet apps show blinky@1.2.0 --json'),
    )
    .action(async (key: AppKey, opts: { json?: boolean }, command: Command) => {
      const ctx = commandContext(command, deps);
      const app = await ctx.client.getApp(key.name, key.version).catch((err: unknown) => {
        throw appFailure(err, appRef(key));
      });
      if (opts.json) return printJson(ctx.io, app);
      printAppRecord(ctx.io, app);
    });
}

function addRemoveCommand(apps: Command, deps: CliDeps): void {
  apps
    .command('rm')
    .alias('remove')
    .description('delete an app from the repository (refused while it is deployed)')
    .argument(appArgument, appArgumentText, parseAppKey)
    .addOption(jsonOption())
    .addHelpText('after', examples('vmfleet apps rm blinky@1.2.0'))
    .action(async (key: AppKey, opts: { json?: boolean }, command: Command) => {
      const ctx = commandContext(command, deps);
      await ctx.client.deleteApp(key.name, key.version).catch((err: unknown) => {
        throw appFailure(err, appRef(key));
      });
      if (opts.json) return printJson(ctx.io, { ...key, deleted: true });
      printLine(ctx.io, `Deleted app ${appRef(key)}.`);
    });
}

function addKeyCommand(apps: Command, deps: CliDeps): void {
  apps
    .command('key')
    .description("the gateway's public key that app manifests are signed with")
    .addOption(new Option('--json', 'print the key as JSON'))
    .addHelpText('after', examples('vmfleet apps key', 'vmfleet apps key --json'))
    .action(async (opts: { json?: boolean }, command: Command) => {
      const ctx = commandContext(command, deps);
      const key = await ctx.client.signingKey();
      if (opts.json) return printJson(ctx.io, key);
      printSigningKey(ctx.io, key);
    });
}

export function registerAppsCommand(program: Command, deps: CliDeps): void {
  const apps = program
    .command('apps')
    .description('the app repository: push, list, show, download and remove signed apps')
    .addHelpText(
      'after',
      examples(
        'vmfleet apps push firmware/build/mips1/blink.m1 --name blinky --version 1.2.0',
        'vmfleet apps list --vm mips1',
        'vmfleet apps show blinky@1.2.0',
        'vmfleet apps download blinky@1.2.0 --manifest',
      ),
    );
  addPushCommand(apps, deps);
  addListCommand(apps, deps);
  addShowCommand(apps, deps);
  addDownloadCommand(apps, deps);
  addRemoveCommand(apps, deps);
  addKeyCommand(apps, deps);
}
