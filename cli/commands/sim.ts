import { Command, Option } from 'commander';
import { VM_KINDS } from '../../src/protocol';
import {
  collectTag,
  parseBoardName,
  parseCoapUrl,
  parseDeviceId,
  parseMqttUrl,
  parsePositiveInt,
  parsePositiveNumber,
} from '../args';
import { commandContext, examples, type CliDeps } from '../context';
import { printJson, printLine, printRecord } from '../output';
import { summaryRows } from '../sim/report';
import { runSim, type SimOptions } from '../sim/session';

const DEFAULT_STATE_DIR = '.vmfleet/sim';

const HELP_AFTER = `
Devices get ids <prefix>-<board>-<vm>-001, -002, …; their tokens are kept in
<state-dir>/devices.json (mode 0600), so running the same command again reuses them and
only provisions what is missing. Boards: nrf52840, atmega328, esp32, native.
Devices already online from another process (a second \`vmfleet sim\` with the same ids)
make it refuse, exit 1: both would keep taking each other's sessions over. --new-ids
skips them and simulates the next free ids instead.
${examples(
  'vmfleet sim --count 50 --vm wasm --board nrf52840',
  'vmfleet sim --count 5 --vm lua --board esp32 --duration 60 --interval 2000 --tag demo',
  'vmfleet sim --count 200 --vm mips1 --board native --duration 30 --json > run.json',
  'vmfleet sim --count 20 --vm wasm --transport coap --coap-url coap://127.0.0.1:5683',
  'vmfleet sim --count 10 --vm wasm --new-ids   # beside a sim already running',
)}`;

function simOptions(command: Command): Command {
  return command
    .addOption(
      new Option('--count <n>', 'how many devices').argParser(parsePositiveInt).default(10),
    )
    .addOption(
      new Option('--vm <kind>', 'VM kind the devices run').choices(VM_KINDS).default('wasm'),
    )
    .option('--board <board>', 'board profile to simulate', parseBoardName, 'nrf52840')
    .option(
      '--duration <seconds>',
      'stop after this many seconds (default: until Ctrl-C)',
      parsePositiveNumber,
    )
    .option('--interval <ms>', 'telemetry interval per device (default: 10000)', parsePositiveInt)
    .option('--state-dir <dir>', 'where device credentials are kept', DEFAULT_STATE_DIR)
    .option(
      '--mqtt-url <url>',
      'broker URL (default: mqtt://<host of --url>:<port from /api/health>)',
      parseMqttUrl,
    )
    .addOption(
      new Option('--transport <kind>', 'how the devices reach the gateway')
        .choices(['mqtt', 'coap'])
        .default('mqtt'),
    )
    .option(
      '--coap-url <url>',
      'CoAP endpoint with --transport coap (default: coap://<host of --url>:<the port /api/health names>)',
      parseCoapUrl,
    )
    .option('--tag <tag...>', 'tags for the devices (repeatable)', collectTag)
    .option('--prefix <name>', 'device id prefix', parseDeviceId, 'sim')
    .option(
      '--new-ids',
      'when some of the devices are online from another process, simulate the next free ids instead of refusing',
    )
    .option('--status-every <seconds>', 'seconds between status lines', parsePositiveNumber, 5)
    .option('--json', 'print the final summary as JSON (status lines go to stderr)');
}

export function registerSimCommand(program: Command, deps: CliDeps): void {
  const sim = program
    .command('sim')
    .description('simulate a fleet of virtual devices connected to the gateway, in this process');
  simOptions(sim)
    .addHelpText('after', HELP_AFTER)
    .action(async (opts: Omit<SimOptions, 'json'> & { json?: boolean }, command: Command) => {
      const ctx = commandContext(command, deps);
      const summary = await runSim(
        { ...ctx, runtime: deps.simRuntime, signals: deps.signals },
        { ...opts, json: Boolean(opts.json) },
      );
      if (opts.json) return printJson(ctx.io, summary);
      printLine(ctx.io);
      printRecord(ctx.io, summaryRows(summary));
    });
}
