import { Command, InvalidArgumentError, Option } from 'commander';
import { commandContext, examples, type CliDeps } from '../context';
import { printJson, printLine } from '../output';
import { appRef } from '../views/app-views';
import {
  describeCounts,
  printDeploymentRecord,
  printDeploymentTable,
} from '../views/deployment-views';

const STATUSES = ['running', 'paused', 'halted', 'completed', 'cancelled'];

function parseDeploymentId(value: string): number {
  if (!/^\d{1,9}$/.test(value) || Number(value) < 1) {
    throw new InvalidArgumentError('a deployment id: a positive whole number');
  }
  return Number(value);
}

export function registerDeploymentsCommand(program: Command, deps: CliDeps): void {
  const deployments = program
    .command('deployments')
    .description('list, inspect, pause, resume and cancel deployments')
    .addHelpText('after', examples('vmfleet deployments list', 'vmfleet deployments show 3'));

  deployments
    .command('list')
    .alias('ls')
    .description('deployments, newest first, with how many devices are in each state')
    .addOption(new Option('--status <status>', 'only deployments in this status').choices(STATUSES))
    .option('--all', "also benchmark campaigns' deployments, hidden by default")
    .option('--json', 'print JSON instead of a table')
    .addHelpText(
      'after',
      examples(
        'vmfleet deployments list',
        'vmfleet deployments list --status running --json',
        'vmfleet deployments list --all',
      ),
    )
    .action(async (opts: { status?: string; all?: boolean; json?: boolean }, command: Command) => {
      const ctx = commandContext(command, deps);
      const items = await ctx.client.listDeployments(opts.status, { all: opts.all });
      if (opts.json) return printJson(ctx.io, items);
      if (items.length === 0) {
        return printLine(ctx.io, 'No deployments; start one with `vmfleet deploy`.');
      }
      printDeploymentTable(ctx.io, items);
    });

  deployments
    .command('show')
    .description('one deployment: status, waves and every device with its state and reason')
    .argument('<id>', 'the deployment id', parseDeploymentId)
    .option('--json', 'print JSON instead of tables')
    .addHelpText(
      'after',
      examples('vmfleet deployments show 3', 'vmfleet deployments show 3 --json'),
    )
    .action(async (id: number, opts: { json?: boolean }, command: Command) => {
      const ctx = commandContext(command, deps);
      const detail = await ctx.client.getDeployment(id);
      if (opts.json) return printJson(ctx.io, detail);
      printDeploymentRecord(ctx.io, detail);
    });

  const actions = [
    ['pause', 'offer the update to no further devices; transfers under way finish', 'Paused'],
    ['resume', 'continue a paused or halted deployment', 'Resumed'],
    ['cancel', 'cancel: devices not reached are cancelled, transfers told to stop', 'Cancelled'],
  ] as const;
  for (const [action, description, done] of actions) {
    deployments
      .command(action)
      .description(description)
      .argument('<id>', 'the deployment id', parseDeploymentId)
      .option('--json', 'print the deployment as JSON')
      .addHelpText('after', examples(`vmfleet deployments ${action} 3`))
      .action(async (id: number, opts: { json?: boolean }, command: Command) => {
        const ctx = commandContext(command, deps);
        const d = await ctx.client.deploymentAction(id, action);
        if (opts.json) return printJson(ctx.io, d);
        printLine(
          ctx.io,
          `${done} deployment ${d.id} (${appRef(d.app)}): ${describeCounts(d.counts)}.`,
        );
      });
  }
}
