import { Command, CommanderError } from 'commander';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { buildProgram, runCli } from './main';
import { captureIo } from './testing/capture-io';

/** Every command path in the tree, e.g. ['devices', 'list'] (commander's implicit `help` aside). */
function commandPaths(command: Command, prefix: string[] = []): string[][] {
  return command.commands.flatMap((sub) => {
    const path = [...prefix, sub.name()];
    return [path, ...commandPaths(sub, path)];
  });
}

const MONITOR_OPS = ['status', 'load', 'start', 'stop', 'pause', 'resume', 'reset', 'step'];
const MONITOR_PATHS = [
  'monitor',
  ...[...MONITOR_OPS, 'registers', 'memory', 'inject'].map((op) => `monitor ${op}`),
];

const BENCH_PATHS = [
  'bench',
  ...['run', 'list', 'show', 'cancel', 'report', 'compare', 'footprint'].map(
    (sub) => `bench ${sub}`,
  ),
];

const APPS_PATHS = [
  'apps',
  ...['push', 'list', 'show', 'download', 'rm', 'key'].map((sub) => `apps ${sub}`),
];

/** `monitor step` and `events inject` are written with the device id before the op. */
function usageOf(path: string[]): string {
  const idFirst =
    path.length === 2 && (path[0] === 'monitor' || path.join(' ') === 'events inject');
  const words = idFirst ? [path[0], '<id>', path[1]] : path;
  return ['Usage: vmfleet', ...words].join(' ');
}

const REPO_ROOT = join(__dirname, '..');

/** The lines of a help text's "Examples:" block, without the `$ `. */
function exampleLines(help: string): string[] {
  const block = help.split('\nExamples:\n')[1] ?? '';
  return block
    .split('\n')
    .filter((line) => line.startsWith('  $ '))
    .map((line) => line.slice(4));
}

/**
 * The files an example reads: arguments with a `/` or an extension, in the `vmfleet` parts
 * of the line (not `| jq .x`), leaving out what it writes (`--out <file>`, `> file`), URLs
 * and `name@version`.
 */
function inputPaths(example: string): string[] {
  const vmfleetParts = example.split(/\s*(?:\||&&)\s*/).filter((p) => p.startsWith('vmfleet '));
  // A file an earlier part of the line wrote (`create --out b.tar && verify b.tar`) exists by then.
  const written = new Set<string>();
  return vmfleetParts.flatMap((part) => {
    const words = part.split(/\s+/);
    const reads = words.filter((word, i) => {
      const writes = words[i - 1] === '--out' || words[i - 1] === '>';
      if (writes) written.add(word);
      const pathLike = word.includes('/') || /^[\w.-]+\.[a-z][a-z0-9]*$/i.test(word);
      return (
        pathLike && !writes && !written.has(word) && !word.includes('://') && !word.includes('@')
      );
    });
    return reads;
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
      'devices rotate-token',
      'devices revoke',
      ...APPS_PATHS,
      'deploy',
      'deployments',
      'deployments list',
      'deployments show',
      'deployments pause',
      'deployments resume',
      'deployments cancel',
      ...BENCH_PATHS,
      'broker',
      'broker config',
      ...MONITOR_PATHS,
      'events',
      'events inject',
      'telemetry',
      'fleet',
      'alerts',
      'alerts list',
      'alerts rules',
      'alerts rules list',
      'alerts rules add',
      'alerts rules set',
      'alerts rules rm',
      'tokens',
      'tokens create',
      'tokens list',
      'tokens revoke',
      'tokens whoami',
      'backup',
      'backup create',
      'backup verify',
      'backup restore',
    ]);
  });

  it.each(['', ...paths.map((p) => p.join(' '))])(
    '`vmfleet %s --help` explains itself with examples',
    async (line) => {
      const path = line ? line.split(' ') : [];
      const { io, stdout, stderr } = captureIo();
      const fetch = noNetwork();
      const code = await runCli([...path, '--help'], { io, fetch });
      expect(stdout()).not.toContain('Usage: vmfleet monitor step'); // nor any op-first usage
      expect(code).toBe(0);
      expect(stdout()).toContain(usageOf(path));
      expect(stdout()).toMatch(/Examples:\n {2}\$ vmfleet /);
      expect(stderr()).toBe('');
      expect(fetch).not.toHaveBeenCalled();
    },
  );

  it("names only files that exist in the repo in every command's help examples", async () => {
    const checked: string[] = [];
    for (const path of [[], ...paths]) {
      const { io, stdout } = captureIo();
      await runCli([...path, '--help'], { io, fetch: noNetwork() });
      for (const example of exampleLines(stdout())) {
        for (const file of inputPaths(example)) {
          checked.push(file);
          expect(`${example}: ${existsSync(join(REPO_ROOT, file)) ? 'exists' : 'missing'}`).toBe(
            `${example}: exists`,
          );
        }
      }
    }
    // apps push, monitor load and run name their files: the check above did look at some.
    expect(checked.length).toBeGreaterThanOrEqual(8);
  });

  it('shows no default as a JSON object or array in any --help', async () => {
    for (const path of [[], ...paths]) {
      const { io, stdout } = captureIo();
      await runCli([...path, '--help'], { io, fetch: noNetwork() });
      expect(`${path.join(' ')}: ${stdout()}`).not.toMatch(/\(default:\s*[{[]/);
    }
  });

  it('lists --json on every command that lists or reports', async () => {
    const reporting = [
      'sim',
      'run',
      ...MONITOR_PATHS.slice(1),
      'events',
      'events inject',
      'devices list',
      'devices show',
      'devices add',
      'devices rm',
      'devices tag',
      'devices rotate-token',
      'devices revoke',
      ...APPS_PATHS.slice(1),
      'deploy',
      'deployments list',
      'deployments show',
      'deployments pause',
      'deployments resume',
      'deployments cancel',
      'bench run',
      'bench list',
      'bench show',
      'bench cancel',
      'bench footprint',
      'telemetry',
      'fleet',
      'alerts list',
      'alerts rules list',
      'alerts rules add',
      'alerts rules set',
      'alerts rules rm',
      'tokens create',
      'tokens list',
      'tokens revoke',
      'tokens whoami',
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
      ['monitor', 'lab-01', 'memory', '0xZZ', '16'],
      "value '0xZZ' is invalid for argument 'address'. expected an address",
    ],
    [
      ['monitor', 'lab-01', 'memory', '0x10', '2048'],
      "value '2048' is invalid for argument 'length'. expected a byte count from 1 to 1024",
    ],
    [['monitor', 'lab-01', 'step', '0'], "value '0' is invalid for argument 'n'"],
    [['monitor', 'lab-01', 'step', '--timeout', '50'], "option '--timeout <ms>' argument '50'"],
    [['monitor', 'lab-01', 'inject', 'press'], "value 'press' is invalid for argument 'event'"],
    [['monitor', 'lab-01', 'inject', '101', '2147483648'], "invalid for argument 'value'"],
    [['monitor', 'lab-01', 'load'], "error: missing required argument 'image-file'"],
    [['monitor', 'lab-01', 'load', 'a.m1', '--app', 'blinky'], "option '--app <name@version>'"],
    [['monitor', 'a/b', 'status'], "value 'a/b' is invalid for argument 'id'"],
    [['monitor', 'status'], "error: missing required argument 'id'"],
    [['monitor', 'lab-01'], 'error: missing op: vmfleet monitor lab-01 <op> (status, load,'],
    [['monitor', 'lab-01', 'stats'], "error: unknown monitor op 'stats'; expected one of status,"],
    [['events'], "error: missing required argument 'id'"],
    [['events', 'lab-01', '--limit', '0'], "option '--limit <n>' argument '0' is invalid"],
    [['events', 'lab-01', '--kind', 'log'], 'Allowed choices are publish, emit, vm'],
    [['events', 'lab-01', '--since', 'later'], "option '--since <time>' argument 'later'"],
    [['events', 'lab-01', 'inject'], "error: missing required argument 'event'"],
    [['events', 'lab-01', 'inject', 'jump'], "value 'jump' is invalid for argument 'event'"],
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
    [['apps', 'push'], "error: required option '--name <name>' not specified"],
    [
      ['apps', 'push', '--name', 'blinky', '--version', '1.0.0'],
      "error: missing required argument 'file'",
    ],
    [['apps', 'push', 'a.m1', '--version', '1.0.0'], "required option '--name <name>' not"],
    [['apps', 'push', 'a.m1', '--name', 'blinky'], "required option '--version <semver>' not"],
    [
      ['apps', 'push', 'a.m1', '--name', 'Blinky', '--version', '1.0.0'],
      "option '--name <name>' argument 'Blinky' is invalid. expected 1-64 chars of a-z 0-9",
    ],
    [
      ['apps', 'push', 'a.m1', '--name', 'blinky', '--version', '1.0'],
      "option '--version <semver>' argument '1.0' is invalid. expected a semantic version",
    ],
    [
      ['apps', 'push', 'a.m1', '--name', 'blinky', '--version'],
      "option '--version <semver>' argument '' is invalid",
    ],
    [
      ['apps', 'push', 'a.m1', '--name', 'b', '--version', '1.0.0', '--vm', 'java'],
      "argument 'java' is invalid. Allowed choices are mips1, ebpf, wasm",
    ],
    [
      ['apps', 'push', 'a.m1', '--name', 'b', '--version', '1.0.0', '--ram', '64KB'],
      "option '--ram <bytes>' argument '64KB' is invalid. expected a number of bytes",
    ],
    [['apps', 'list', '--name', 'a/b'], "option '--name <name>' argument 'a/b' is invalid"],
    [['apps', 'list', '--vm', 'java'], 'Allowed choices are mips1, ebpf, wasm'],
    [['apps', 'show'], "error: missing required argument 'name@version'"],
    [
      ['apps', 'show', 'blinky'],
      "value 'blinky' is invalid for argument 'name@version'. expected <name>@<version>, e.g. blinky@1.2.0",
    ],
    [['apps', 'rm', 'blinky@1'], "value 'blinky@1' is invalid for argument 'name@version'"],
    [['apps', 'download', 'Blinky@1.0.0'], 'the name before @ must be 1-64 chars'],
    [['apps', 'download', 'b@1.0.0', '--out'], "option '--out <file>' argument missing"],
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

  describe('with --json, errors are one JSON object on stderr, with the same exit code', () => {
    it.each([
      [
        ['apps', 'download', 'b@1.0.0', '--out', '-', '--json'],
        1,
        'failed',
        '--json needs --out <file>: with --out - stdout carries the bytes',
      ],
      [
        ['deploy', 'blinky@1.0.0', '--json'],
        2,
        'usage',
        'say which devices: --device <id…> or --tag <tag> (one of them)',
      ],
      [
        ['devices', 'list', '--online', '--offline', '--json'],
        1,
        'invalid_arguments',
        "option '--online' cannot be used with option '--offline'",
      ],
      [
        ['devices', 'lst', '--json'],
        1,
        'invalid_arguments',
        "unknown command 'lst' (Did you mean one of list, ls?)",
      ],
      [
        ['--url', 'http://127.0.0.1:1', 'fleet', '--json'],
        1,
        'gateway_unreachable',
        'cannot reach the vmfleet gateway at http://127.0.0.1:1',
      ],
    ])('%j exits %d with code %s', async (args, exitCode, code, message) => {
      const { io, stdout, stderr } = captureIo();
      const fetch = jest.fn(() => Promise.reject(new TypeError('fetch failed: bad port')));
      await expect(runCli(args, { io, fetch })).resolves.toBe(exitCode);
      expect(stdout()).toBe('');
      expect(stderr()).toMatch(/^\{.*\}\n$/); // one line: nothing else around it
      const printed = JSON.parse(stderr()) as { error: { code: string; message: string } };
      expect(printed).toEqual({ error: { code, message: expect.stringContaining(message) } });
    });

    it('leaves help and version as they are', async () => {
      const { io, stdout, stderr } = captureIo();
      await expect(runCli(['fleet', '--help', '--json'], { io })).resolves.toBe(0);
      expect(stdout()).toContain('Usage: vmfleet fleet');
      expect(stderr()).toBe('');
    });
  });

  it('refuses `devices tag` without --add or --remove before calling the gateway', async () => {
    const { io, stderr } = captureIo();
    const fetch = noNetwork();
    await expect(runCli(['devices', 'tag', 'x1'], { io, fetch })).resolves.toBe(1);
    expect(stderr()).toBe('error: nothing to change: pass --add and/or --remove\n');
    expect(fetch).not.toHaveBeenCalled();
  });

  it('still prints its own version for --version outside `apps push`', async () => {
    for (const args of [['--version'], ['apps', 'list', '--version']]) {
      const { io, stdout } = captureIo();
      await expect(runCli(args, { io, fetch: noNetwork() })).resolves.toBe(0);
      expect(stdout()).toMatch(/^\d+\.\d+\.\d+\n$/);
    }
  });

  it.each([
    ['apps', 'Usage: vmfleet apps [options] [command]'],
    ['devices', 'Usage: vmfleet devices [options] [command]'],
    ['monitor', 'Usage: vmfleet monitor <id> <op> [args...] [options]'],
  ])('shows the help on stderr with exit code 1 for a bare `%s`', async (group, usage) => {
    const { io, stderr } = captureIo();
    await expect(runCli([group], { io })).resolves.toBe(1);
    expect(stderr()).toContain(usage);
  });
});
