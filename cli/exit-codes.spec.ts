import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EXIT } from './exit-codes';
import { runCli } from './main';
import { captureIo } from './testing/capture-io';

const DOC = readFileSync(join(__dirname, '..', 'docs', 'cli.md'), 'utf8');

/** The first column of the Markdown table that follows `heading` (until the next heading). */
function firstColumn(heading: string): string[] {
  const section = DOC.split(`\n## ${heading}\n`)[1]?.split('\n## ')[0] ?? '';
  const table = section.split('\n\n').find((block) => block.startsWith('| '));
  const rows = (table ?? '').split('\n').slice(2).filter(Boolean); // past the header, its rule
  return rows.map((row) => row.split('|')[1].trim().replace(/`/g, ''));
}

describe('exit codes', () => {
  it('docs/cli.md lists exactly the exit codes of cli/exit-codes.ts', () => {
    const documented = firstColumn('Exit codes').map(Number);
    expect(documented).toEqual(Object.values(EXIT));
  });

  it("docs/cli.md lists the CLI's own --json error codes", () => {
    expect(firstColumn('Errors under `--json`')).toEqual([
      'gateway_unreachable',
      'invalid_arguments',
      'failed',
      'usage',
      'nothing_installed',
      'interrupted',
    ]);
  });

  // Those a command decides before it calls the gateway; the rest are tested with the
  // command (deploy.spec: 0/1/2/3 of --wait, run.spec: 3, sim.spec: 130, bench.spec: 1).
  it.each([
    [['--help'], EXIT.ok],
    [['--version'], EXIT.ok],
    [['deploy', '--help'], EXIT.ok],
    [['nope'], EXIT.failed],
    [['devices', 'show'], EXIT.failed],
    [['deploy', 'blinky@1.0.0'], EXIT.usage],
    [['deploy', 'blinky@1.0.0', '--tag', 'lab', '--device', 'a'], EXIT.usage],
    [['bench', 'run', '--tag', 'lab'], EXIT.usage],
    [['bench', 'run', '--suite', 'coisa', '--program', 'sieve', '--tag', 'lab'], EXIT.usage],
    [['bench', 'run', '--suite', 'coisa'], EXIT.usage],
    [['run', 'firmware/build/mips1/none.m1'], EXIT.failed],
  ])('vmfleet %j exits %d', async (args, code) => {
    const { io } = captureIo();
    const fetch = jest.fn(() => Promise.reject(new Error('the network must not be used here')));
    await expect(runCli(args, { io, fetch })).resolves.toBe(code);
    expect(fetch).not.toHaveBeenCalled();
  });

  it('exits 1 when no gateway answers', async () => {
    const { io, stderr } = captureIo({ env: { VMFLEET_URL: 'http://127.0.0.1:1' } });
    await expect(runCli(['fleet'], { io })).resolves.toBe(EXIT.failed);
    expect(stderr()).toMatch(/^error: cannot reach the vmfleet gateway at http:\/\/127\.0\.0\.1:1/);
  });
});
