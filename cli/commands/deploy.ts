import { Command, InvalidArgumentError, Option } from 'commander';
import { parseAppKey, parseDeviceId, parseTag, type AppKey } from '../args';
import type { Deployment, DeploymentDetail } from '../../src/protocol/api';
import type { CreateDeployment } from '../api-requests';
import { commandContext, examples, type CliDeps, type CommandContext } from '../context';
import { createDeployProgress } from '../deploy-progress';
import { appFailure, CliError } from '../errors';
import { EXIT } from '../exit-codes';
import { printJson, printLine } from '../output';
import { appRef } from '../views/app-views';
import { describeCounts, printDeploymentRecord } from '../views/deployment-views';

interface DeployOptions {
  device?: string[];
  tag?: string;
  strategy: NonNullable<CreateDeployment['strategy']>;
  threshold?: number;
  healthWindow?: number;
  wait?: boolean;
  pollMs: number;
  json?: boolean;
}

/** `all`, `canary:K` or `waves:P1,P2,…,100`. */
export function parseStrategy(value: string): NonNullable<CreateDeployment['strategy']> {
  if (value === 'all' || value === 'all-at-once') return { kind: 'all-at-once' };
  const [kind, arg = ''] = value.split(':', 2);
  if (kind === 'canary' && /^\d{1,5}$/.test(arg) && Number(arg) > 0) {
    return { kind: 'canary', count: Number(arg) };
  }
  if (kind === 'waves' && /^\d{1,3}(,\d{1,3})*$/.test(arg)) {
    const percents = arg.split(',').map(Number);
    const ascending = percents.every((p, i) => p > 0 && (i === 0 || p > percents[i - 1]));
    if (ascending && percents[percents.length - 1] === 100) return { kind: 'waves', percents };
  }
  throw new InvalidArgumentError(
    'expected all, canary:<devices> or waves:<cumulative percents ending in 100>, e.g. waves:10,50,100',
  );
}

/** `10s`, `500ms`, `2m` or plain milliseconds. */
export function parseWindow(value: string): number {
  const match = /^(\d{1,7})(ms|s|m)?$/.exec(value.trim());
  if (!match) throw new InvalidArgumentError('expected a duration such as 500ms, 10s or 2m');
  const unit = { ms: 1, s: 1000, m: 60_000 }[match[2] ?? 'ms']!;
  const ms = Number(match[1]) * unit;
  if (ms > 3_600_000) throw new InvalidArgumentError('at most 1 hour');
  return ms;
}

function parsePercent(value: string): number {
  const n = Number(value.replace(/%$/, ''));
  if (!Number.isInteger(n) || n < 0 || n > 100) {
    throw new InvalidArgumentError('a whole percentage from 0 to 100');
  }
  return n;
}

export function registerDeployCommand(program: Command, deps: CliDeps): void {
  program
    .command('deploy')
    .description('roll an app out to devices: all at once, canary first, or in waves')
    .argument('<name@version>', 'the app, e.g. blinky@1.2.0', parseAppKey)
    .option('--device <id...>', 'target these devices', collectDevices, undefined)
    .option('--tag <tag>', 'target every device with this tag', parseTag)
    .addOption(
      // The parsed default is an object; help shows it as the user would type it.
      new Option('--strategy <s>', 'all | canary:<n> | waves:<p1,p2,…,100>')
        .argParser(parseStrategy)
        .default({ kind: 'all-at-once' }, 'all'),
    )
    .option(
      '--threshold <percent>',
      'halt when more devices than this fail (default 10)',
      parsePercent,
    )
    .option(
      '--health-window <time>',
      'how long the new app must run without a fault (default 10s)',
      parseWindow,
    )
    .option(
      '--wait',
      'follow the rollout until it ends; exit 1 if it failed, 3 if it installed nothing',
    )
    .addOption(
      new Option('--poll-ms <ms>', 'how often --wait asks')
        .default(500)
        .argParser(Number)
        .hideHelp(),
    )
    .option('--json', 'print the deployment as JSON')
    .addHelpText(
      'after',
      examples(
        'vmfleet deploy blinky@1.2.0 --tag lab',
        'vmfleet deploy blinky@1.2.0 --device dev-1 dev-2 --wait',
        'vmfleet deploy blinky@1.3.0 --tag field --strategy canary:2 --threshold 0 --wait',
        'vmfleet deploy blinky@1.3.0 --tag field --strategy waves:10,50,100 --health-window 30s',
      ),
    )
    .action(async (key: AppKey, opts: DeployOptions, command: Command) => {
      const ctx = commandContext(command, deps);
      if (Boolean(opts.device?.length) === Boolean(opts.tag)) {
        throw new CliError(
          'say which devices: --device <id…> or --tag <tag> (one of them)',
          EXIT.usage,
        );
      }
      const target = opts.tag ? { tag: opts.tag } : { devices: opts.device! };
      const body: CreateDeployment = {
        app: key,
        target,
        strategy: opts.strategy,
        ...(opts.threshold === undefined ? {} : { failureThreshold: opts.threshold }),
        ...(opts.healthWindow === undefined ? {} : { healthWindowMs: opts.healthWindow }),
      };
      const created = await ctx.client.createDeployment(body).catch((err: unknown) => {
        throw appFailure(err, appRef(key));
      });
      if (!opts.wait) {
        if (opts.json) return printJson(ctx.io, created);
        printLine(
          ctx.io,
          `Deployment ${created.id}: ${appRef(key)} to ${created.devices} devices.`,
        );
        printLine(ctx.io, `Follow it with \`vmfleet deployments show ${created.id}\`.`);
        return;
      }
      await follow(ctx, created, opts);
    });
}

function collectDevices(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), parseDeviceId(value)];
}

/** Polls until the deployment stops running or every device is final; prints the outcome. */
async function follow(
  ctx: CommandContext,
  created: Deployment,
  opts: DeployOptions,
): Promise<void> {
  const progress = createDeployProgress(ctx.io, Boolean(opts.json), ctx.now);
  let current = created;
  try {
    for (;;) {
      progress.update(current);
      if (isOver(current)) break;
      await new Promise((r) => setTimeout(r, opts.pollMs));
      current = await ctx.client.getDeployment(created.id);
    }
  } finally {
    progress.stop();
  }
  const detail = await ctx.client.getDeployment(created.id);
  if (opts.json) printJson(ctx.io, detail);
  else printDeploymentRecord(ctx.io, detail);
  const bad = (detail.counts.failed ?? 0) + (detail.counts['rolled-back'] ?? 0);
  if (detail.status !== 'completed' || bad > 0) {
    throw new CliError(
      `deployment ${detail.id} ${detail.status}: ${describeCounts(detail.counts)}`,
    );
  }
  if ((detail.counts.healthy ?? 0) === 0) throw nothingInstalled(detail);
}

/** A rollout that completed without a single device taking the app (all skipped). */
function nothingInstalled(detail: DeploymentDetail): CliError {
  const skipped = detail.targets.find((t) => t.state === 'skipped');
  const example = skipped ? `; e.g. ${skipped.deviceId}: ${skipped.reason ?? skipped.code}` : '';
  return new CliError(
    `deployment ${detail.id} installed ${appRef(detail.app)} on no device: ${describeCounts(detail.counts)}${example}`,
    EXIT.nothingInstalled,
  );
}

function isOver(d: Deployment): boolean {
  if (d.status === 'completed' || d.status === 'cancelled') return true;
  const inFlight = ['offered', 'transferring', 'verifying', 'installed', 'running'];
  // Halted or paused: over once nothing is moving any more.
  return d.status !== 'running' && inFlight.every((s) => (d.counts[s] ?? 0) === 0);
}
