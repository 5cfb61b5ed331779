import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Command, CommanderError } from 'commander';
import { parseHttpUrl } from './args';
import { exitQuietlyOnBrokenPipe } from './broken-pipe';
import { idFirstToCommandFirst, joinOptionValue } from './argv';
import { MONITOR_OPS } from '../src/protocol/api';
import { registerAlertsCommand } from './commands/alerts';
import { registerAppsCommand } from './commands/apps';
import { registerBackupCommand } from './commands/backup';
import { registerBrokerCommand } from './commands/broker';
import { registerBenchCommand } from './commands/bench';
import { registerDeployCommand } from './commands/deploy';
import { registerDeploymentsCommand } from './commands/deployments';
import { registerDevicesCommand } from './commands/devices';
import { registerEventsCommand } from './commands/events';
import { registerFleetCommand } from './commands/fleet';
import { registerMonitorCommand } from './commands/monitor';
import { registerRunCommand } from './commands/run';
import { registerSimCommand } from './commands/sim';
import { registerTelemetryCommand } from './commands/telemetry';
import { registerTokensCommand } from './commands/tokens';
import { DEFAULT_URL, resolveConnection, type GlobalOptions } from './config';
import { examples, type CliDeps } from './context';
import { CliError, describeError, errorCode, ExitStatus } from './errors';
import { EXIT } from './exit-codes';
import { processIo, type CliIo } from './output';
import { deviceRuntime } from './sim/fleet';

/** The package version, found by walking up from this file (cli/ in tests, dist/cli/ when built). */
function packageVersion(): string {
  for (let dir = __dirname; dir !== dirname(dir); dir = dirname(dir)) {
    const file = join(dir, 'package.json');
    if (!existsSync(file)) continue;
    const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string };
    if (pkg.name === 'vmfleet') return pkg.version ?? '0.0.0';
  }
  return '0.0.0';
}

function withDefaults(deps: Partial<CliDeps>): CliDeps {
  return {
    io: deps.io ?? processIo(),
    fetch: deps.fetch ?? fetch,
    now: deps.now ?? Date.now,
    simRuntime: deps.simRuntime ?? deviceRuntime,
    signals: deps.signals ?? process,
  };
}

/**
 * The whole command tree. Commander never exits the process itself (exitOverride): it throws
 * CommanderError, which `runCli` turns into an exit code, so tests can run commands in-process.
 */
export function buildProgram(
  partialDeps: Partial<CliDeps> = {},
  { jsonErrors = false }: { jsonErrors?: boolean } = {},
): Command {
  const deps = withDefaults(partialDeps);
  const program = new Command('vmfleet')
    .description('Manage and simulate a vmfleet: microcontrollers running small VMs')
    .version(packageVersion(), '-V, --version')
    .option(
      '--url <url>',
      `gateway base URL (env VMFLEET_URL, default ${DEFAULT_URL})`,
      parseHttpUrl,
    )
    .option(
      '--token <token>',
      'REST API token (env VMFLEET_API_TOKEN, else <VMFLEET_DATA_DIR or ./data>/api-token)',
    )
    .exitOverride()
    .configureOutput({
      writeOut: (text) => deps.io.stdout(text),
      writeErr: (text) => deps.io.stderr(text),
      // Under --json, runCli prints commander's errors too, as JSON.
      outputError: (text, write) => (jsonErrors ? undefined : write(text)),
    })
    .showSuggestionAfterError()
    .addHelpText(
      'after',
      examples(
        'vmfleet sim --count 20 --vm wasm --board nrf52840 --duration 60',
        'vmfleet devices list --online',
        'vmfleet apps push firmware/build/mips1/blink.m1 --name blinky --version 1.2.0',
        'vmfleet monitor lab-01 status',
        'vmfleet events lab-01 --follow',
        'vmfleet bench run --suite coisa embench --tag lab --wait',
        'vmfleet --url http://gateway:3000 fleet --json',
      ),
    );
  registerSimCommand(program, deps);
  registerRunCommand(program, deps);
  registerDevicesCommand(program, deps);
  registerAppsCommand(program, deps);
  registerDeployCommand(program, deps);
  registerDeploymentsCommand(program, deps);
  registerBenchCommand(program, deps);
  registerBrokerCommand(program, deps);
  registerMonitorCommand(program, deps);
  registerEventsCommand(program, deps);
  registerTelemetryCommand(program, deps);
  registerFleetCommand(program, deps);
  registerAlertsCommand(program, deps);
  registerTokensCommand(program, deps);
  registerBackupCommand(program, deps);
  return program;
}

/** Subcommands that come after the device id on the command line (see argv.ts). */
const ID_FIRST_SUBCOMMANDS = { monitor: MONITOR_OPS, events: ['inject'] };
/** Options of those groups that may stand before the id: `monitor --timeout 2000 lab-01 …`. */
const GROUP_OPTIONS_WITH_VALUE = new Set(['--timeout']);

/** The command line commander parses: id-first ops reordered, `apps push --version` kept (argv.ts). */
function normalizeArgs(args: string[]): string[] {
  const reordered = idFirstToCommandFirst(args, ID_FIRST_SUBCOMMANDS, GROUP_OPTIONS_WITH_VALUE);
  return joinOptionValue(reordered, ['apps', 'push'], '--version');
}

/** `--json` anywhere before `--`: the user wants errors as JSON too (docs/cli.md). */
function wantsJson(args: readonly string[]): boolean {
  const end = args.indexOf('--');
  return (end < 0 ? args : args.slice(0, end)).includes('--json');
}

/** What commander prints as help or version rather than as an error. */
const COMMANDER_OUTPUT = new Set([
  'commander.help',
  'commander.helpDisplayed',
  'commander.version',
]);

/** Under --json, an error is one line of JSON on stderr; stdout keeps the command's own JSON. */
function printJsonError(io: CliIo, code: string, message: string): void {
  io.stderr(`${JSON.stringify({ error: { code, message } })}\n`);
}

/** Runs one command line (without `node vmfleet`) and returns the exit code. */
export async function runCli(args: string[], partialDeps: Partial<CliDeps> = {}): Promise<number> {
  const deps = withDefaults(partialDeps);
  const argv = normalizeArgs(args);
  const jsonErrors = wantsJson(argv);
  const program = buildProgram(deps, { jsonErrors });
  try {
    await program.parseAsync(argv, { from: 'user' });
    return EXIT.ok;
  } catch (err) {
    if (err instanceof CommanderError) {
      // Commander has printed its message (unless --json), or the help / version, by now.
      if (jsonErrors && err.exitCode !== 0 && !COMMANDER_OUTPUT.has(err.code)) {
        const message = err.message.replace(/^error: /, '').replace(/\s+/g, ' ');
        printJsonError(deps.io, 'invalid_arguments', message.trim());
      }
      return err.exitCode;
    }
    if (err instanceof ExitStatus) return err.exitCode;
    const connection = resolveConnection(program.opts<GlobalOptions>(), deps.io.env, deps.io.cwd);
    const message = describeError(err, connection);
    if (jsonErrors) printJsonError(deps.io, errorCode(err), message);
    else deps.io.stderr(`error: ${message}\n`);
    return err instanceof CliError ? err.exitCode : EXIT.failed;
  }
}

/** The CLI as a process: real stdout and stderr, which a reader such as `head` may close. */
export function main(args: string[] = process.argv.slice(2)): Promise<number> {
  exitQuietlyOnBrokenPipe();
  return runCli(args);
}

if (require.main === module) {
  void main().then((code) => {
    process.exitCode = code;
  });
}
