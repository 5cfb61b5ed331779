import { writeFileSync } from 'node:fs';
import { extname, resolve } from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import {
  CAMPAIGN_STATUSES,
  COMPARE_FORMATS,
  REPORT_FORMATS,
  type CompareFormat,
  type ReportFormat,
} from '../api-benchmarks';
import { parsePositiveInt } from '../args';
import { commandContext, examples, type CliDeps, type CommandContext } from '../context';
import { CliError } from '../errors';
import { formatBytes } from '../format';
import { printJson, printLine } from '../output';
import {
  describeRunCounts,
  printCampaignRecord,
  printCampaignTable,
} from '../views/benchmark-views';
import { addFootprintCommand } from './bench-footprint';
import { addRunCommand, benchmarkApi } from './bench-run';

export function parseCampaignId(value: string): number {
  if (!/^\d{1,9}$/.test(value) || Number(value) < 1) {
    throw new InvalidArgumentError('a campaign id: a positive whole number');
  }
  return Number(value);
}

export function registerBenchCommand(program: Command, deps: CliDeps): void {
  const bench = program
    .command('bench')
    .description("benchmark campaigns: programs on each device's VM and natively, and reports")
    .addHelpText(
      'after',
      examples(
        'vmfleet bench run --suite coisa --tag bench --wait',
        'vmfleet bench list',
        'vmfleet bench report 3 --format svg --out campaign-3.svg',
        'vmfleet bench footprint',
      ),
    );
  addRunCommand(bench, deps);
  addListCommand(bench, deps);
  addShowCommand(bench, deps);
  addCancelCommand(bench, deps);
  addReportCommand(bench, deps);
  addCompareCommand(bench, deps);
  addFootprintCommand(bench, deps);
}

function addListCommand(bench: Command, deps: CliDeps): void {
  bench
    .command('list')
    .alias('ls')
    .description('campaigns, newest first, with their runs recorded per status')
    .addOption(
      new Option('--status <status>', 'only campaigns in this status').choices(CAMPAIGN_STATUSES),
    )
    .option('--limit <n>', 'at most this many (default 100)', parsePositiveInt)
    .option('--json', 'print JSON instead of a table')
    .addHelpText(
      'after',
      examples('vmfleet bench list', 'vmfleet bench list --status running --json'),
    )
    .action(async (opts: { status?: string; limit?: number; json?: boolean }, cmd: Command) => {
      const ctx = commandContext(cmd, deps);
      const items = await benchmarkApi(ctx, deps).list(opts);
      if (opts.json) return printJson(ctx.io, items);
      if (items.length === 0) {
        return printLine(ctx.io, 'No campaigns; start one with `vmfleet bench run`.');
      }
      printCampaignTable(ctx.io, items);
    });
}

function addShowCommand(bench: Command, deps: CliDeps): void {
  bench
    .command('show')
    .description('one campaign: what it runs where, and its progress (runs per status)')
    .argument('<id>', 'the campaign id', parseCampaignId)
    .option('--json', 'print JSON instead of tables')
    .addHelpText('after', examples('vmfleet bench show 3', 'vmfleet bench show 3 --json'))
    .action(async (id: number, opts: { json?: boolean }, cmd: Command) => {
      const ctx = commandContext(cmd, deps);
      const campaign = await benchmarkApi(ctx, deps).get(id);
      if (opts.json) return printJson(ctx.io, campaign);
      printCampaignRecord(ctx.io, campaign);
    });
}

function addCancelCommand(bench: Command, deps: CliDeps): void {
  bench
    .command('cancel')
    .description('stop a running campaign after the run in progress on each device')
    .argument('<id>', 'the campaign id', parseCampaignId)
    .option('--json', 'print the campaign as JSON')
    .addHelpText('after', examples('vmfleet bench cancel 3'))
    .action(async (id: number, opts: { json?: boolean }, cmd: Command) => {
      const ctx = commandContext(cmd, deps);
      const c = await benchmarkApi(ctx, deps).cancel(id);
      if (opts.json) return printJson(ctx.io, c);
      const runs = `${c.recordedRuns} of ${c.plannedRuns} runs recorded`;
      printLine(ctx.io, `Cancelled campaign ${c.id}: ${runs} (${describeRunCounts(c.counts)}).`);
    });
}

interface TextOptions<F> {
  format?: F;
  out?: string;
}

/** `--format`, else the extension of `--out` when it names a format, else Markdown. */
export function reportFormat<F extends string>(
  opts: TextOptions<F>,
  formats: readonly F[],
): F | 'md' {
  if (opts.format) return opts.format;
  const extension = opts.out ? extname(opts.out).slice(1).toLowerCase() : '';
  return formats.find((f) => f === extension) ?? 'md';
}

/** The body as the gateway sent it: to the file, or to stdout ending in a newline. */
function writeBody(ctx: CommandContext, body: string, what: string, out?: string): void {
  if (out === undefined || out === '-') {
    ctx.io.stdout(body.endsWith('\n') ? body : `${body}\n`);
    return;
  }
  try {
    writeFileSync(resolve(ctx.io.cwd, out), body);
  } catch (err) {
    throw new CliError(`cannot write ${out}: ${(err as Error).message}`);
  }
  printLine(ctx.io, `Saved ${what} to ${out} (${formatBytes(Buffer.byteLength(body))}).`);
}

const OUT_HELP = "write to this file instead of stdout ('-': stdout)";

function addReportCommand(bench: Command, deps: CliDeps): void {
  bench
    .command('report')
    .description('the report: per metric, programs × VMs, median ± stddev, and the slowdown')
    .argument('<id>', 'the campaign id', parseCampaignId)
    .addOption(
      new Option('--format <format>', 'the report format (default: from --out, else md)').choices(
        REPORT_FORMATS,
      ),
    )
    .option('--out <file>', OUT_HELP)
    .addHelpText(
      'after',
      examples(
        'vmfleet bench report 3',
        'vmfleet bench report 3 --format csv > campaign-3.csv',
        'vmfleet bench report 3 --out campaign-3.svg',
      ),
    )
    .action(async (id: number, opts: TextOptions<ReportFormat>, cmd: Command) => {
      const ctx = commandContext(cmd, deps);
      const format = reportFormat(opts, REPORT_FORMATS);
      const body = await benchmarkApi(ctx, deps).report(id, format);
      writeBody(ctx, body, `the ${format} report of campaign ${id}`, opts.out);
    });
}

function addCompareCommand(bench: Command, deps: CliDeps): void {
  bench
    .command('compare')
    .description('regression view: candidate median ÷ baseline median per program, VM, metric')
    .argument('<baseline>', 'the campaign to compare against', parseCampaignId)
    .argument('<candidate>', 'the campaign to compare (below 1: it measured less)', parseCampaignId)
    .addOption(
      new Option(
        '--format <format>',
        'the comparison format (default: from --out, else md)',
      ).choices(COMPARE_FORMATS),
    )
    .option('--out <file>', OUT_HELP)
    .addHelpText(
      'after',
      examples(
        'vmfleet bench compare 3 5',
        'vmfleet bench compare 3 5 --format json | jq .geomeans',
      ),
    )
    .action(
      async (
        baseline: number,
        candidate: number,
        opts: TextOptions<CompareFormat>,
        cmd: Command,
      ) => {
        const ctx = commandContext(cmd, deps);
        const format = reportFormat(opts, COMPARE_FORMATS);
        const body = await benchmarkApi(ctx, deps).compare(baseline, candidate, format);
        writeBody(ctx, body, `campaign ${candidate} vs ${baseline} (${format})`, opts.out);
      },
    );
}
