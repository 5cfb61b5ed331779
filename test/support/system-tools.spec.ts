import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  describeWithEnv,
  describeWithTool,
  hasTool,
  requireEnv,
  requireTool,
  REQUIRE_TOOLS_ENV,
  toolPath,
} from './system-tools';

const ABSENT = 'vmfleet-no-such-tool';
let unique = 0;
/** A name never used before in this run, since each SKIP line is printed only once. */
const fresh = (base: string) => `${base}-${process.pid}-${++unique}`;

/** Runs fn with VMFLEET_REQUIRE_TOOLS set to value (or unset) and stderr captured. */
function withRequire<T>(value: '1' | undefined, fn: () => T): { result: T; stderr: string } {
  const saved = process.env[REQUIRE_TOOLS_ENV];
  const writes: string[] = [];
  const spy = jest.spyOn(process.stderr, 'write').mockImplementation((chunk: unknown) => {
    writes.push(String(chunk));
    return true;
  });
  if (value === undefined) delete process.env[REQUIRE_TOOLS_ENV];
  else process.env[REQUIRE_TOOLS_ENV] = value;
  try {
    return { result: fn(), stderr: writes.join('') };
  } finally {
    spy.mockRestore();
    if (saved === undefined) delete process.env[REQUIRE_TOOLS_ENV];
    else process.env[REQUIRE_TOOLS_ENV] = saved;
  }
}

describe('hasTool', () => {
  it.each([
    ['sh', true],
    ['node', true],
    [ABSENT, false],
    ['', false],
  ])('%j -> %s', (name, present) => {
    expect(hasTool(name)).toBe(present);
  });

  it('resolves a program to an absolute path that can be spawned', () => {
    expect(toolPath('sh')).toMatch(/^\/.*\/sh$/);
    expect(toolPath(ABSENT)).toBeNull();
  });

  it('also looks in sbin, where Debian puts daemons such as mosquitto', () => {
    const saved = process.env.PATH;
    process.env.PATH = '/nonexistent';
    try {
      // ldconfig lives in /sbin (merged /usr on Debian 12: /usr/sbin) on every Debian system.
      expect(toolPath('ldconfig')).toMatch(/^\/(usr\/)?sbin\/ldconfig$/);
    } finally {
      process.env.PATH = saved;
    }
  });

  it('never runs a name as shell code', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vmfleet-tools-'));
    const marker = join(dir, 'ran');
    try {
      expect(hasTool(`true; touch ${marker}`)).toBe(false);
      expect(hasTool(`$(touch ${marker})`)).toBe(false);
      expect(existsSync(marker)).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('requireTool', () => {
  it.each([undefined, '1'] as const)('returns true for a present tool (require=%s)', (mode) => {
    expect(withRequire(mode, () => requireTool('sh', 'dash'))).toEqual({
      result: true,
      stderr: '',
    });
  });

  it('skips a missing tool with one loud line naming the package', () => {
    const name = fresh(ABSENT);
    const first = withRequire(undefined, () => requireTool(name, 'mosquitto'));
    expect(first.result).toBe(false);
    expect(first.stderr.trim()).toBe(
      `SKIP: ${name} not found — apt-get install mosquitto ` +
        `(set VMFLEET_REQUIRE_TOOLS=1 to make this a failure)`,
    );
    const second = withRequire(undefined, () => requireTool(name, 'mosquitto'));
    expect(second).toEqual({ result: false, stderr: '' });
  });

  it('throws naming the Debian package when tools are required', () => {
    const name = fresh(ABSENT);
    expect(() => withRequire('1', () => requireTool(name, 'mosquitto-clients'))).toThrow(
      `${name} not found — apt-get install mosquitto-clients (required because VMFLEET_REQUIRE_TOOLS=1)`,
    );
  });
});

describe('requireEnv', () => {
  const VAR = 'VMFLEET_TEST_SYSTEM_TOOLS_SPEC_URL';
  afterEach(() => {
    delete process.env[VAR];
  });

  it.each([undefined, '1'] as const)('returns the value when set (require=%s)', (mode) => {
    process.env[VAR] = 'postgres://u:p@127.0.0.1:5432/db';
    const { result, stderr } = withRequire(mode, () => requireEnv(VAR, 'start PostgreSQL'));
    expect([result, stderr]).toEqual(['postgres://u:p@127.0.0.1:5432/db', '']);
  });

  it.each([
    ['unset', undefined],
    ['empty', ''],
  ])('skips when %s, with one line carrying the hint', (_what, value) => {
    if (value !== undefined) process.env[VAR] = value;
    const hint = `export ${VAR}=postgres://… (${fresh('hint')})`;
    const first = withRequire(undefined, () => requireEnv(VAR, hint));
    expect(first.result).toBeUndefined();
    expect(first.stderr.trim()).toBe(
      `SKIP: ${VAR} not set — ${hint} (set VMFLEET_REQUIRE_TOOLS=1 to make this a failure)`,
    );
    expect(withRequire(undefined, () => requireEnv(VAR, hint)).stderr).toBe('');
  });

  it('throws with the hint when services are required', () => {
    expect(() => withRequire('1', () => requireEnv(VAR, 'run .ci/run'))).toThrow(
      `${VAR} not set — run .ci/run (required because VMFLEET_REQUIRE_TOOLS=1)`,
    );
  });
});

describe('describeWith*', () => {
  const ran: string[] = [];

  describeWithTool('sh', 'dash', 'a present tool', () => {
    it('runs its tests', () => {
      ran.push('tool');
    });
  });

  withRequire(undefined, () =>
    describeWithTool(fresh(ABSENT), 'nothing', 'a missing tool', () => {
      it('is skipped', () => {
        throw new Error('a test under a missing tool ran');
      });
    }),
  );

  process.env.VMFLEET_TEST_SYSTEM_TOOLS_DESCRIBE = 'value-1';
  describeWithEnv('VMFLEET_TEST_SYSTEM_TOOLS_DESCRIBE', 'hint', 'a set env var', (value) => {
    it('runs its tests with the value', () => {
      ran.push(value);
    });
  });
  delete process.env.VMFLEET_TEST_SYSTEM_TOOLS_DESCRIBE;

  withRequire(undefined, () =>
    describeWithEnv(fresh('VMFLEET_TEST_UNSET'), 'hint', 'an unset env var', () => {
      it('is skipped', () => {
        throw new Error('a test under an unset env var ran');
      });
    }),
  );

  it('ran exactly the suites whose requirement was met', () => {
    expect(ran).toEqual(['tool', 'value-1']);
  });

  it('fails collection when a requirement is missing and tools are required', () => {
    expect(() =>
      withRequire('1', () => describeWithTool(fresh(ABSENT), 'pkg', 'never', () => undefined)),
    ).toThrow(/apt-get install pkg/);
  });
});
