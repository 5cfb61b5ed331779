import type { Command } from 'commander';
import { examples, type CliDeps } from '../context';
import { CliError, ExitStatus } from '../errors';
import { readImageFile, vmForImage } from '../image-file';
import { printJson } from '../output';

/**
 * What main may run under `vmfleet run` unless --budget says otherwise, so an endless loop
 * ends (in tens of seconds on the slowest engines; QuickJS and MicroPython also stop a run
 * after 60 s of wall time).
 */
export const DEFAULT_RUN_BUDGET = 2_000_000_000;

interface RunOptions {
  vm?: string;
  board: string;
  seed: string;
  serve: string;
  budget?: string;
  json?: boolean;
}

export function registerRunCommand(program: Command, deps: CliDeps): void {
  program
    .command('run <image>')
    .description(
      'run a guest image locally in one virtual device, no gateway; prints its output and stats',
    )
    .option('--vm <kind>', 'VM kind (default: from the file extension, .m1 = mips1)')
    .option('--board <name>', 'board profile: RAM for the guest, sensors', 'nrf52840')
    .option('--seed <n>', 'seed of the simulated sensors', '1')
    .option(
      '--serve <seconds>',
      'how long a program that registered event handlers is served',
      '10',
    )
    .option(
      '--budget <instructions>',
      'stop main with budget_exhausted after this many instructions (an endless loop ends too)',
      String(DEFAULT_RUN_BUDGET),
    )
    .option('--json', 'print output and stats as one JSON document')
    .addHelpText(
      'after',
      examples(
        'vmfleet run firmware/build/mips1/fibonacci.m1',
        'vmfleet run firmware/build/mips1/button-counter.m1 --board esp32 --serve 30',
        'vmfleet run firmware/build/mips1/crc32.m1 --json',
      ),
    )
    .action(async (file: string, opts: RunOptions) => {
      // runCli returns it (bin/vmfleet.js sets the process's exit code from that).
      const code = await runImage(file, opts, deps);
      if (code !== 0) throw new ExitStatus(code);
    });
}

async function runImage(file: string, opts: RunOptions, deps: CliDeps): Promise<number> {
  const vm = vmForImage(file, opts.vm);
  const image = readImageFile(file);
  const { getBoard } = await import('../../devices/boards');
  const { createEngine } = await import('../../devices/engines');
  const { runLocally } = await import('../../devices/runtime/local-run');
  const output: string[] = [];
  const print = (text: string) => (opts.json ? output.push(text) : deps.io.stdout(text));
  const report = await runLocally({
    image,
    board: getBoard(opts.board),
    createEngine: (limits, host) => createEngine(vm, limits, host),
    outputs: {
      print,
      publish: (name, value) => print(`[publish] ${name} = ${value}\n`),
      emit: (id, value) => print(`[event] ${id} = ${value}\n`),
    },
    seed: positiveInt(opts.seed, '--seed'),
    serveMs: positiveInt(opts.serve, '--serve') * 1000,
    mainBudget: positiveInt(opts.budget ?? String(DEFAULT_RUN_BUDGET), '--budget'),
  }).catch((err: Error) => {
    throw new CliError(`${file}: ${err.message}`);
  });
  if (opts.json) {
    printJson(deps.io, { image: file, vm, board: opts.board, output: output.join(''), ...report });
  } else {
    deps.io.stderr(summarise(report));
  }
  if (report.end.kind === 'fault') return 3;
  return report.end.kind === 'exited' ? report.end.code & 0xff : 0;
}

function summarise(
  r: Awaited<ReturnType<typeof import('../../devices/runtime/local-run').runLocally>>,
): string {
  const stopped =
    r.end.kind === 'fault' && r.end.fault.code === 'budget_exhausted'
      ? `\n-- stopped the guest: it ran out of its budget (raise it with --budget)`
      : '';
  const end =
    r.end.kind === 'exited'
      ? `exited with ${r.end.code}`
      : r.end.kind === 'stopped'
        ? 'stopped after serving events'
        : `FAULT ${r.end.fault.code} at pc 0x${r.end.fault.pc.toString(16)}: ${r.end.fault.message}`;
  return [
    `\n-- ${end}${stopped}`,
    `-- ${r.instructions} instructions in ${r.executeMs.toFixed(1)} ms (${r.guestMips.toFixed(1)} guest MIPS), ${r.handlersRun} handlers`,
    `-- load ${r.loadTimeMs.toFixed(3)} ms, image ${r.imageBytes} B, guest RAM peak ${r.peakGuestBytes} of ${r.guestMemoryBytes} B\n`,
  ].join('\n');
}

function positiveInt(text: string, name: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0)
    throw new CliError(`${name} must be a non-negative integer, got "${text}"`);
  return n;
}
