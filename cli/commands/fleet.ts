import type { Command } from 'commander';
import { commandContext, examples, type CliDeps } from '../context';
import { printJson } from '../output';
import { printFleetSummary } from '../views/fleet-view';

export function registerFleetCommand(program: Command, deps: CliDeps): void {
  program
    .command('fleet')
    .description('fleet summary: devices online, resource use by VM kind and by board')
    .option('--json', 'print the summary as JSON instead of tables')
    .addHelpText('after', examples('vmfleet fleet', 'vmfleet fleet --json'))
    .action(async (opts: { json?: boolean }, command: Command) => {
      const ctx = commandContext(command, deps);
      const summary = await ctx.client.fleetSummary();
      if (opts.json) return printJson(ctx.io, summary);
      printFleetSummary(ctx.io, summary);
    });
}
