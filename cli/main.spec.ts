import { Command, CommanderError } from 'commander';
import { buildProgram, runCli } from './main';
import { captureIo } from './testing/capture-io';

/** Every command path in the tree, e.g. ['devices', 'list'] (commander's implicit `help` aside). */
function commandPaths(command: Command, prefix: string[] = []): string[][] {
  return command.commands.flatMap((sub) => {
    const path = [...prefix, sub.name()];
    return [path, ...commandPaths(sub, path)];
  });
}

function noNetwork(): jest.Mock {
  return jest.fn(() => Promise.reject(new Error('the network must not be used here')));
}

describe('vmfleet command line', () => {
  const paths = commandPaths(buildProgram({ io: captureIo().io }));

  it('has the commands of the brief', () => {
    expect(paths.map((p) => p.join(' '))).toEqual([
      'sim',
      'run',
      'devices',
      'devices list',
      'devices show',
      'devices add',
      'devices rm',
      'devices tag',
      'telemetry',
      'fleet',
    ]);
  });

  it.each(['', ...paths.map((p) => p.join(' '))])(
    '`vmfleet %s --help` explains itself with examples',
    async (line) => {
      const path = line ? line.split(' ') : [];
      const { io, stdout, stderr } = captureIo();
      const fetch = noNetwork();
      const code = await runCli([...path, '--help'], { io, fetch });
      expect(code).toBe(0);
      expect(stdout()).toContain(`Usage: vmfleet ${path.join(' ')}`.trim());
      expect(stdout()).toMatch(/Examples:\n {2}\$ vmfleet /);
      expect(stderr()).toBe('');
      expect(fetch).not.toHaveBeenCalled();
    },
  );

  it('lists --json on every command that lists or reports', async () => {
    const reporting = [
      'sim',
      'devices list',
      'devices show',
      'devices add',
      'devices rm',
      'devices tag',
      'telemetry',
      'fleet',
    ];
    for (const path of reporting) {
      const { io, stdout } = captureIo();
      await runCli([...path.split(' '), '--help'], { io });
      expect(`${path}: ${stdout()}`).toMatch(/--json/);
    }
  });

  it('throws CommanderError instead of exiting, and writes through the configured output', async () => {
    const { io, stdout } = captureIo();
    const program = buildProgram({ io });
    await expect(program.parseAsync(['--version'], { from: 'user' })).rejects.toBeInstanceOf(
      CommanderError,
    );
    expect(stdout()).toMatch(/^\d+\.\d+\.\d+\n$/);
  });

  it.each([
    [['nope'], "error: unknown command 'nope'"],
    [['devices', 'lst'], "error: unknown command 'lst'\n(Did you mean one of list, ls?)"],
    [
      ['devices', 'list', '--online', '--offline'],
      "option '--online' cannot be used with option '--offline'",
    ],
    [
      ['devices', 'list', '--vm', 'java'],
      "argument 'java' is invalid. Allowed choices are mips1, ebpf, wasm",
    ],
    [['devices', 'show'], "error: missing required argument 'id'"],
    [['devices', 'show', 'a/b'], "value 'a/b' is invalid for argument 'id'"],
    [
      ['devices', 'add', 'x1', '--vm', 'wasm'],
      "error: required option '--board <board>' not specified",
    ],
    [
      ['devices', 'add', 'x1', '--board', 'esp32'],
      "error: required option '--vm <kind>' not specified",
    ],
    [
      ['devices', 'add', 'x1', '--board', 'esp32', '--vm', 'lua', '--tag', 'a b'],
      "option '--tag <tag...>' argument 'a b' is invalid",
    ],
    [['devices', 'tag', 'x1', '--add'], "option '--add <tag...>' argument missing"],
    [
      ['telemetry', 'x1', '--from', 'yesterday'],
      "option '--from <time>' argument 'yesterday' is invalid",
    ],
    [['telemetry', 'x1', '--step', '5d'], "option '--step <step>' argument '5d' is invalid"],
    [
      ['sim', '--count', '0'],
      "option '--count <n>' argument '0' is invalid. expected a whole number",
    ],
    [['sim', '--board', 'ESP32'], "option '--board <board>' argument 'ESP32' is invalid"],
    [
      ['sim', '--duration', 'forever'],
      "option '--duration <seconds>' argument 'forever' is invalid",
    ],
    [
      ['sim', '--mqtt-url', 'localhost:1883'],
      "option '--mqtt-url <url>' argument 'localhost:1883' is invalid",
    ],
    [
      ['--url', 'localhost:3000', 'fleet'],
      "option '--url <url>' argument 'localhost:3000' is invalid",
    ],
  ])('rejects %j with exit code 1: %s', async (args, message) => {
    const { io, stdout, stderr } = captureIo();
    const fetch = noNetwork();
    const code = await runCli(args, { io, fetch });
    expect(code).toBe(1);
    expect(stderr()).toContain(message);
    expect(stdout()).toBe('');
    expect(fetch).not.toHaveBeenCalled();
  });

  it('refuses `devices tag` without --add or --remove before calling the gateway', async () => {
    const { io, stderr } = captureIo();
    const fetch = noNetwork();
    await expect(runCli(['devices', 'tag', 'x1'], { io, fetch })).resolves.toBe(1);
    expect(stderr()).toBe('error: nothing to change: pass --add and/or --remove\n');
    expect(fetch).not.toHaveBeenCalled();
  });

  it('shows the help on stderr with exit code 1 when a command group gets no subcommand', async () => {
    const { io, stderr } = captureIo();
    await expect(runCli(['devices'], { io })).resolves.toBe(1);
    expect(stderr()).toContain('Usage: vmfleet devices [options] [command]');
  });
});
