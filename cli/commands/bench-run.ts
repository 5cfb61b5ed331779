import { Command, InvalidArgumentError, Option } from 'commander';
import { z } from 'zod';
import {
  BENCH_SUITES,
  BUILD_PROFILES,
  NATIVE_VM,
  SUITE_PROGRAMS,
} from '../../src/protocol/bench-catalog';
import { VM_KINDS } from '../../src/protocol';
import type { Campaign } from '../../src/protocol/api';
import { BenchmarkApi, type CreateCampaign } from '../api-benchmarks';
import { parseDeviceId, parseTag } from '../args';
import { createBenchProgress } from '../bench-progress';
import { commandContext, examples, type CliDeps, type CommandContext } from '../context';
import { CliError } from '../errors';
import { printJson, printLine } from '../output';
import {
  badRuns,
  describeCreated,
  describeRunCounts,
  printCampaignRecord,
} from '../views/benchmark-views';
import { parseWindow } from './deploy';

interface RunOptions {
  suite?: string[];
  program?: string[];
  device?: string[];
  tag?: string;
  vm?: string[];
  reps?: number;
  profile?: string;
  native: boolean;
  sequential?: boolean;
  offlineGrace?: number;
  name?: string;
  wait?: boolean;
  pollMs: number;
  json?: boolean;
}

/** As the gateway's campaign schema has it (src/benchmarks/dto/benchmark.dto.ts). */
const MAX_REPETITIONS = 50;
const MAX_NAME_LENGTH = 80;

export function parseRepetitions(value: string): number {
  const n = /^\d{1,3}$/.test(value) ? Number(value) : Number.NaN;
  if (!(n >= 1 && n <= MAX_REPETITIONS)) {
    throw new InvalidArgumentError(`expected a whole number from 1 to ${MAX_REPETITIONS}`);
  }
  return n;
}

function parseCampaignName(value: string): string {
  if (value.trim() === '' || value.length > MAX_NAME_LENGTH) {
    throw new InvalidArgumentError(`expected 1-${MAX_NAME_LENGTH} characters`);
  }
  return value;
}

function collectProgram(value: string, previous: string[] | undefined): string[] {
  if (!/^[a-z0-9-]{1,32}$/.test(value)) {
    throw new InvalidArgumentError('expected a program name: 1-32 chars of a-z 0-9 -');
  }
  return [...(previous ?? []), value];
}

function collectDevice(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), parseDeviceId(value)];
}

/** The request body; CliError (exit 2) when the options do not say what to run where. */
export function campaignRequest(opts: RunOptions): CreateCampaign {
  if (Boolean(opts.suite?.length) === Boolean(opts.program?.length)) {
    throw new CliError('say what to run: --suite <suite…> or --program <name…> (one of them)', 2);
  }
  if (Boolean(opts.device?.length) === Boolean(opts.tag)) {
    throw new CliError('say which devices: --device <id…> or --tag <tag> (one of them)', 2);
  }
  return {
    ...(opts.name === undefined ? {} : { name: opts.name }),
    ...(opts.suite ? { suite: [...new Set(opts.suite)] } : { programs: opts.program }),
    // `all`: every VM each device has, and native: the gateway's default, said out loud.
    ...(opts.vm && !opts.vm.includes(ALL_VMS) ? { vms: [...new Set(opts.vm)] } : {}),
    target: opts.tag ? { tag: opts.tag } : { devices: opts.device! },
    ...(opts.reps === undefined ? {} : { repetitions: opts.reps }),
    ...(opts.profile === undefined ? {} : { profile: opts.profile }),
    native: opts.native,
    ...(opts.sequential ? { sequential: true } : {}),
    ...(opts.offlineGrace === undefined ? {} : { offlineGraceMs: opts.offlineGrace }),
  };
}

const PROGRAMS_HELP = BENCH_SUITES.map(
  (suite) => `  ${suite}: ${SUITE_PROGRAMS[suite].join(' ')}`,
).join('\n');

const RUN_HELP = `
Programs (firmware/README.md):
${PROGRAMS_HELP}

Each device runs each program on its own VM kind and natively (the host gcc -O2 build),
--reps times. --profile Os measures the C images built with -Os (firmware/build/<vm>-Os/,
smaller code); scripts and the native baseline are the same in both profiles. Without --wait the command returns once the campaign is planned.
Exit status with --wait: 0 when the campaign completed with no failed or invalid run
(missing and skipped runs do not count against it), 1 otherwise (cancelled, or a run
failed or did not pass its self-check, or the devices had no native builds: run
\`make -C firmware native\` where they run, or pass --no-native).
`;

const ALL_VMS = 'all';

export function addRunCommand(bench: Command, deps: CliDeps): void {
  bench
    .command('run')
    .description('start a benchmark campaign: programs × the VMs of the devices × repetitions')
    .addOption(
      new Option('--suite <suite...>', 'every program of these suites').choices(BENCH_SUITES),
    )
    .option('--program <name...>', 'only these programs, of any suite', collectProgram)
    .option('--device <id...>', 'measure on these devices', collectDevice)
    .option('--tag <tag>', 'measure on every device with this tag', parseTag)
    .addOption(
      new Option(
        '--vm <kind...>',
        `only these VMs (default, or ${ALL_VMS}: each device's own + ${NATIVE_VM})`,
      ).choices([...VM_KINDS, NATIVE_VM, ALL_VMS]),
    )
    .option('--reps <n>', 'runs per program, VM and device (default 5)', parseRepetitions)
    .addOption(
      new Option(
        '--profile <profile>',
        'compiler profile of the mips1, ebpf and wasm images (default O2; Os: code size)',
      ).choices(BUILD_PROFILES),
    )
    .option('--no-native', 'leave out the native baseline (and so the slowdown)')
    .option('--sequential', 'one device at a time, so no two measurements overlap')
    .option(
      '--offline-grace <ms>',
      'how long a device may be away before its remaining runs are missing (default 60s)',
      parseWindow,
    )
    .option('--name <name>', 'a name for the reports', parseCampaignName)
    .option('--wait', 'follow the campaign with a progress bar until it ends; see exit status')
    .addOption(
      new Option('--poll-ms <ms>', 'how often --wait asks')
        .default(1000)
        .argParser(Number)
        .hideHelp(),
    )
    .option('--json', 'print the campaign as JSON')
    .addHelpText(
      'after',
      RUN_HELP +
        examples(
          'vmfleet bench run --suite coisa embench --tag bench --wait',
          'vmfleet bench run --program sieve crc32 --device lab-01 --reps 10 --no-native',
          'vmfleet bench run --suite embench --tag lab --vm wasm native --sequential --name nightly',
          'vmfleet bench run --suite coisa embench --tag riot --vm all --reps 3 --sequential --wait',
          'vmfleet bench run --suite coisa --tag lab --profile Os --name code-size --wait',
        ),
    )
    .action(async (opts: RunOptions, command: Command) => {
      const body = campaignRequest(opts);
      const ctx = commandContext(command, deps);
      const api = benchmarkApi(ctx, deps);
      const created = await api.create(body);
      if (!opts.wait) {
        if (opts.json) return printJson(ctx.io, created);
        printLine(ctx.io, describeCreated(created));
        printLine(ctx.io, `Follow it with \`vmfleet bench show ${created.id}\`.`);
        return;
      }
      await follow(ctx, api, created, opts);
    });
}

/** The benchmark endpoints, with the connection (URL, token) the command resolved. */
export function benchmarkApi(ctx: CommandContext, deps: CliDeps): BenchmarkApi {
  const { url, token } = ctx.connection;
  return new BenchmarkApi({ baseUrl: url, token, fetch: deps.fetch });
}

/** Polls until the campaign is no longer running; prints it; fails on failed/invalid runs. */
async function follow(
  ctx: CommandContext,
  api: BenchmarkApi,
  created: Campaign,
  opts: RunOptions,
): Promise<void> {
  const progress = createBenchProgress(ctx.io, Boolean(opts.json), ctx.now);
  let current = created;
  try {
    for (;;) {
      progress.update(current);
      if (current.status !== 'running') break;
      await new Promise((r) => setTimeout(r, opts.pollMs));
      current = await api.get(created.id);
    }
  } finally {
    progress.stop();
  }
  if (opts.json) printJson(ctx.io, current);
  else printCampaignRecord(ctx.io, current);
  const unbuilt = opts.native ? await programsWithoutNativeBuild(api, current.id) : [];
  if (unbuilt.length > 0) throw new CliError(describeNoNativeBuild(unbuilt));
  if (current.status !== 'completed' || badRuns(current) > 0) {
    throw new CliError(
      `campaign ${current.id} ${current.status}: ${describeRunCounts(current.counts)}`,
    );
  }
  if (!opts.json) printLine(ctx.io, `Report: \`vmfleet bench report ${current.id}\`.`);
}

/** Just what the native check reads of the JSON report (src/benchmarks/report/json.ts). */
const reportCellsSchema = z.looseObject({
  cells: z.array(
    z.looseObject({ program: z.string(), vm: z.string(), emptyReason: z.string().nullable() }),
  ),
});

/** What a device says when it has no host build to run (devices/runtime/bench-runner.ts). */
const NO_NATIVE_BUILD = /no native build of /;

/**
 * The programs whose native cell is empty because a device had no native build; [] when
 * the report cannot be read (an older gateway), so the check never hides the campaign.
 */
export async function programsWithoutNativeBuild(
  api: BenchmarkApi,
  campaignId: number,
): Promise<string[]> {
  let cells: z.infer<typeof reportCellsSchema>['cells'];
  try {
    cells = reportCellsSchema.parse(JSON.parse(await api.report(campaignId, 'json'))).cells;
  } catch {
    return [];
  }
  const empty = cells.filter(
    (c) => c.vm === NATIVE_VM && c.emptyReason !== null && NO_NATIVE_BUILD.test(c.emptyReason),
  );
  return [...new Set(empty.map((c) => c.program))];
}

/** One line for every program at once, with the command that fixes it. */
export function describeNoNativeBuild(programs: readonly string[]): string {
  const which = programs.length === 1 ? programs[0] : `${programs.length} programs`;
  return (
    `no native baseline for ${which}: the devices have no native builds. ` +
    'Build them with `make -C firmware native` (needs gcc) where the devices run, ' +
    'or leave the baseline out with --no-native.'
  );
}
