import type { Command } from 'commander';
import { parseDeviceId, parseStep, parseTimeArg } from '../args';
import { commandContext, examples, type CliDeps } from '../context';
import { printJson } from '../output';
import { printTelemetry } from '../views/telemetry-view';

interface TelemetryOptions {
  from?: string;
  to?: string;
  step?: string;
  json?: boolean;
}

export function registerTelemetryCommand(program: Command, deps: CliDeps): void {
  program
    .command('telemetry')
    .description('resource telemetry of one device, bucketed over time (default: the last hour)')
    .argument('<id>', 'device id', parseDeviceId)
    .option('--from <time>', 'start: ISO date, Unix ms, or an age such as 15m, 2h, 7d', (v) =>
      parseTimeArg(v, deps.now()),
    )
    .option('--to <time>', 'end: ISO date, Unix ms, or an age (default: now)', (v) =>
      parseTimeArg(v, deps.now()),
    )
    .option(
      '--step <step>',
      'bucket size: 10s, 5m, 1h or ms (default: at most 360 points)',
      parseStep,
    )
    .option('--json', 'print the series as JSON instead of a table')
    .addHelpText(
      'after',
      examples(
        'vmfleet telemetry sim-nrf52840-wasm-001',
        'vmfleet telemetry lab-01 --from 6h --step 5m',
        'vmfleet telemetry lab-01 --from 2024-05-01T00:00:00Z --to 2024-05-02T00:00:00Z --json',
      ),
    )
    .action(async (id: string, opts: TelemetryOptions, command: Command) => {
      const ctx = commandContext(command, deps);
      const series = await ctx.client.telemetry(id, opts);
      if (opts.json) return printJson(ctx.io, series);
      printTelemetry(ctx.io, series);
    });
}
