import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { commandContext, examples, type CliDeps } from '../context';
import { CliError } from '../errors';
import { plural } from '../format';
import { printJson, printLine } from '../output';
import { printFootprints } from '../views/footprint-views';
import { benchmarkApi } from './bench-run';

/** Where firmware/riot/build-all.sh writes it, from the repository's root. */
export const DEFAULT_FOOTPRINT_FILE = 'firmware/riot/bin/footprint.json';

const FOOTPRINT_HELP = `
The file is what \`bash firmware/riot/build-all.sh\` writes (vmfleet-footprint/1): the
text, data and bss of each VM's RIOT firmware per board. The gateway keeps one build per
VM and board (a new upload replaces it), and every campaign report shows, per board,
ROM (text + data) and static RAM (data + bss) of each VM over the VM=none build.
`;

/** The file's JSON; CliError (exit 1) when it cannot be read or is not JSON. */
export function readFootprintFile(cwd: string, file: string): unknown {
  let text: string;
  try {
    text = readFileSync(resolve(cwd, file), 'utf8');
  } catch (err) {
    const hint =
      file === DEFAULT_FOOTPRINT_FILE
        ? '; build it with `bash firmware/riot/build-all.sh` (from the repository root), or pass --file'
        : '';
    throw new CliError(`cannot read ${file}: ${(err as Error).message}${hint}`);
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new CliError(`${file} is not JSON: ${(err as Error).message}`);
  }
}

export function addFootprintCommand(bench: Command, deps: CliDeps): void {
  bench
    .command('footprint')
    .description("upload the RIOT firmware's footprint per VM and board, and print the tables")
    .option('--file <file>', 'the footprint file', DEFAULT_FOOTPRINT_FILE)
    .option('--json', 'print what the gateway stored as JSON')
    .addHelpText(
      'after',
      FOOTPRINT_HELP +
        examples(
          'vmfleet bench footprint',
          'vmfleet bench footprint --json | jq .boards',
          'bash firmware/riot/build-all.sh && vmfleet bench footprint',
        ),
    )
    .action(async (opts: { file: string; json?: boolean }, cmd: Command) => {
      const ctx = commandContext(cmd, deps);
      const file = readFootprintFile(ctx.io.cwd, opts.file);
      const stored = await benchmarkApi(ctx, deps).uploadFootprints(file);
      if (opts.json) return printJson(ctx.io, stored);
      const sent = Array.isArray((file as { builds?: unknown }).builds)
        ? (file as { builds: unknown[] }).builds.length
        : 0;
      printLine(
        ctx.io,
        `Uploaded ${plural(sent, 'build')} from ${opts.file}; the gateway has ${plural(stored.builds.length, 'build')}.`,
      );
      ctx.io.stdout('\n');
      printFootprints(ctx.io, stored);
    });
}
