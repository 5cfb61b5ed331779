import { join } from 'node:path';
import { runCli } from '../main';
import { captureIo } from '../testing/capture-io';

const MIPS1 = join(__dirname, '..', '..', 'firmware', 'build', 'mips1');

/** `vmfleet run` needs no gateway: the fetch it is given must stay unused. */
async function vmfleet(...args: string[]) {
  const captured = captureIo();
  const fetch = jest.fn(() => Promise.reject(new Error('no network here')));
  const code = await runCli(args, { io: captured.io, fetch });
  expect(fetch).not.toHaveBeenCalled();
  return { code, stdout: captured.stdout(), stderr: captured.stderr() };
}

describe('vmfleet run', () => {
  it('exits 0 when the guest exits with 0', async () => {
    const run = await vmfleet('run', join(MIPS1, 'crc32.m1'));
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('check: ok');
    expect(run.stderr).toContain('-- exited with 0');
  });

  it('returns exit status 3 when the guest faults, with the fault on stderr only', async () => {
    const run = await vmfleet('run', join(MIPS1, 'wild-store.m1'));
    expect(run.code).toBe(3);
    expect(run.stderr).toMatch(/-- FAULT bad_address at pc 0x[0-9a-f]+/);
    expect(run.stderr).not.toContain('error:');
  });

  it('keeps the exit status under --json, printing the report and no error object', async () => {
    const run = await vmfleet('run', join(MIPS1, 'wild-store.m1'), '--json');
    expect(run.code).toBe(3);
    expect(JSON.parse(run.stdout)).toMatchObject({ end: { kind: 'fault' } });
    expect(run.stderr).toBe('');
  });

  it('stops an endless loop with the budget and says why it stopped the guest', async () => {
    const run = await vmfleet('run', join(MIPS1, 'spin.m1'), '--budget', '1000000');
    expect(run.code).toBe(3);
    expect(run.stderr).toContain('-- FAULT budget_exhausted');
    expect(run.stderr).toContain('-- stopped the guest: it ran out of its budget');
  });

  it('names the default budget in --help', async () => {
    const help = await vmfleet('run', '--help');
    expect(help.stdout.replace(/\s+/g, ' ')).toContain('(default: "2000000000")');
  });
});
