import { Command, Option } from 'commander';
import { VM_KINDS } from '../../src/protocol';
import { MONITOR_OPS, type MonitorReply } from '../../src/protocol/api';
import type { MonitorRequest } from '../api-requests';
import {
  BUTTON_EVENT,
  parseAddress,
  parseAppRef,
  parseDeviceId,
  parseEventName,
  parseEventValue,
  parseMemoryLength,
  parseMonitorTimeout,
  parseStepCount,
} from '../args';
import { commandContext, examples, type CliDeps, type CommandContext } from '../context';
import { CliError, DEFAULT_DEVICE_TIMEOUT_MS, deviceFailure } from '../errors';
import { readImageFile, vmForImage } from '../image-file';
import { printJson, printLine } from '../output';
import {
  describeInjection,
  describeLoad,
  printMemory,
  printMonitorStatus,
  printRegisters,
  printStep,
} from '../views/monitor-views';

interface MonitorOptions {
  timeout?: number;
  json?: boolean;
}

interface LoadOptions extends MonitorOptions {
  vm?: string;
  app?: { id: string; version: string };
}

interface Sent<R extends MonitorRequest> {
  ctx: CommandContext;
  reply: MonitorReply<R['op']>;
}

async function send<R extends MonitorRequest>(
  command: Command,
  deps: CliDeps,
  id: string,
  request: R,
  opts: MonitorOptions,
): Promise<Sent<R>> {
  const ctx = commandContext(command, deps);
  // The op's own --timeout, else the one given to `monitor` (before the id).
  const timeout = opts.timeout ?? command.parent?.opts<MonitorOptions>().timeout;
  try {
    return { ctx, reply: await ctx.client.monitor(id, request, timeout) };
  } catch (err) {
    throw deviceFailure(err, id, timeout);
  }
}

/** Sent to the gateway as `timeoutMs` (POST /api/devices/:id/monitor). */
const TIMEOUT_HELP = `how long the gateway waits for the device's reply (100-60000, default ${DEFAULT_DEVICE_TIMEOUT_MS})`;

/** One op: `vmfleet monitor <id> <op> …`, with the options every op has. */
function opCommand(
  monitor: Command,
  op: MonitorRequest['op'],
  description: string,
  ...exampleArgs: string[]
): Command {
  const root = monitor.parent?.name() ?? 'vmfleet';
  const lines = exampleArgs.map((args) => `vmfleet monitor lab-01 ${op} ${args}`.trimEnd());
  return monitor
    .command(op)
    .description(description)
    .argument('<id>', 'device id', parseDeviceId)
    .option('--timeout <ms>', TIMEOUT_HELP, parseMonitorTimeout)
    .option('--json', "print the gateway's answer as JSON")
    .configureHelp({ commandUsage: (cmd) => `${root} monitor <id> ${opTerm(cmd)} [options]` })
    .addHelpText('after', examples(...lines));
}

function addStatusCommand(monitor: Command, deps: CliDeps): void {
  opCommand(
    monitor,
    'status',
    'state of the VM: app, phase, pc, memory, how it last ended',
    '',
    '--json',
  ).action(async (id: string, opts: MonitorOptions, command: Command) => {
    const { ctx, reply } = await send(command, deps, id, { op: 'status' }, opts);
    if (opts.json) return printJson(ctx.io, reply);
    printMonitorStatus(ctx.io, reply.result);
  });
}

function addLoadCommand(monitor: Command, deps: CliDeps): void {
  opCommand(
    monitor,
    'load',
    'load a guest image into the device, replacing its app (then `start` it)',
    'firmware/build/mips1/blink.m1',
    'firmware/build/mips1/blink.m1 --app blinky@1.2.0 --json',
  )
    .argument('<image-file>', 'the guest image')
    .addOption(
      new Option(
        '--vm <kind>',
        'VM kind of the image (default: from the extension, .m1 = mips1)',
      ).choices(VM_KINDS),
    )
    .option('--app <name@version>', 'name and version the device reports for the app', parseAppRef)
    .action(async (id: string, file: string, opts: LoadOptions, command: Command) => {
      const vm = vmForImage(file, opts.vm);
      const image = Buffer.from(readImageFile(file)).toString('base64');
      const request = { op: 'load', args: { vm, image, app: opts.app } } as const;
      const { ctx, reply } = await send(command, deps, id, request, opts);
      if (opts.json) return printJson(ctx.io, reply);
      printLine(ctx.io, describeLoad(id, file, vm, reply.result));
    });
}

const STATE_OPS = {
  start: 'start the loaded app',
  stop: 'stop the app',
  pause: 'pause the running app',
  resume: 'resume the paused app',
  reset: 'reset the app to its state right after loading',
} as const;

function addStateCommands(monitor: Command, deps: CliDeps): void {
  for (const [op, description] of Object.entries(STATE_OPS)) {
    opCommand(monitor, op as keyof typeof STATE_OPS, description, '').action(
      async (id: string, opts: MonitorOptions, command: Command) => {
        const request = { op: op as keyof typeof STATE_OPS };
        const { ctx, reply } = await send(command, deps, id, request, opts);
        if (opts.json) return printJson(ctx.io, reply);
        printLine(ctx.io, `${id}: VM ${reply.result.state}.`);
      },
    );
  }
}

function addStepCommand(monitor: Command, deps: CliDeps): void {
  opCommand(monitor, 'step', 'execute n instructions, then pause', '', '100 --json')
    .argument('[n]', 'instructions to execute (1-100000)', parseStepCount, 1)
    .action(async (id: string, n: number, opts: MonitorOptions, command: Command) => {
      const { ctx, reply } = await send(command, deps, id, { op: 'step', args: { n } }, opts);
      if (opts.json) return printJson(ctx.io, reply);
      printStep(ctx.io, id, reply.result);
    });
}

function addRegistersCommand(monitor: Command, deps: CliDeps): void {
  opCommand(monitor, 'registers', 'the guest CPU registers (decimal: signed 32-bit)', '').action(
    async (id: string, opts: MonitorOptions, command: Command) => {
      const { ctx, reply } = await send(command, deps, id, { op: 'registers' }, opts);
      if (opts.json) return printJson(ctx.io, reply);
      printRegisters(ctx.io, reply.result);
    },
  );
}

function addMemoryCommand(monitor: Command, deps: CliDeps): void {
  opCommand(
    monitor,
    'memory',
    'read guest memory and print it as a hexdump, 16 bytes a line',
    '0x10000 64',
    '4096 16 --json',
  )
    .argument('<address>', 'first byte: 0x-prefixed hex or decimal', parseAddress)
    .argument('<length>', 'bytes to read (1-1024)', parseMemoryLength)
    .action(
      async (id: string, address: number, length: number, opts: MonitorOptions, c: Command) => {
        const request = { op: 'memory', args: { address, length } } as const;
        const { ctx, reply } = await send(c, deps, id, request, opts);
        if (opts.json) return printJson(ctx.io, reply);
        printMemory(ctx.io, reply.result);
      },
    );
}

function addInjectCommand(monitor: Command, deps: CliDeps): void {
  opCommand(monitor, 'inject', 'queue an event for the app', 'button', '101 42')
    .argument(
      '<event>',
      "'button' (raw event 1) or an event number (user events: 100-199)",
      parseEventName,
    )
    .argument('[value]', 'value the event carries, a signed 32-bit number', parseEventValue, 0)
    .action(
      async (
        id: string,
        event: number | 'button',
        value: number,
        opts: MonitorOptions,
        c: Command,
      ) => {
        const args = { event: event === 'button' ? BUTTON_EVENT : event, value };
        const { ctx, reply } = await send(c, deps, id, { op: 'inject', args }, opts);
        if (opts.json) return printJson(ctx.io, reply);
        printLine(ctx.io, describeInjection(id, event, value, reply.result.queued));
      },
    );
}

/** How the op list in `monitor --help` shows an op: its arguments without the id. */
function opTerm(op: Command): string {
  const args = op.registeredArguments
    .slice(1)
    .map((a) => (a.required ? `<${a.name()}>` : `[${a.name()}]`));
  return [op.name(), ...args].join(' ');
}

const MONITOR_HELP = `
Every op also works with the op first: vmfleet monitor status lab-01.
Device errors print as \`code: message\`, e.g. bad_state: not paused.
${examples(
  'vmfleet monitor lab-01 status',
  'vmfleet monitor lab-01 load firmware/build/mips1/blink.m1 && vmfleet monitor lab-01 start',
  'vmfleet monitor lab-01 pause && vmfleet monitor lab-01 registers',
  'vmfleet monitor lab-01 memory 0x10000 64',
  'vmfleet monitor --timeout 20000 lab-01 step 100000',
)}`;

export function registerMonitorCommand(program: Command, deps: CliDeps): void {
  const monitor = program
    .command('monitor')
    .description('Thing Monitor: inspect and control the VM of one connected device')
    .usage('<id> <op> [args...] [options]')
    .argument('[id]', 'device id')
    .argument('[op]', 'one of the ops below')
    .argument('[args...]', "the op's arguments")
    .option('--timeout <ms>', TIMEOUT_HELP, parseMonitorTimeout)
    .addHelpText('after', MONITOR_HELP)
    .configureHelp({ subcommandTerm: opTerm })
    .commandsGroup('Ops (vmfleet monitor <id> <op> [args...]):')
    // Reached only when <op> is not an op (main.ts moves a known op in front of the id).
    .action((id: string | undefined, op: string | undefined, _args: string[], _o, c: Command) => {
      if (id === undefined) c.help({ error: true });
      const ops = MONITOR_OPS.join(', ');
      if (op === undefined) throw new CliError(`missing op: vmfleet monitor ${id} <op> (${ops})`);
      throw new CliError(`unknown monitor op '${op}'; expected one of ${ops}`);
    });
  addStatusCommand(monitor, deps);
  addLoadCommand(monitor, deps);
  addStateCommands(monitor, deps);
  addStepCommand(monitor, deps);
  addRegistersCommand(monitor, deps);
  addMemoryCommand(monitor, deps);
  addInjectCommand(monitor, deps);
}
