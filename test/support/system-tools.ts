import { spawnSync } from 'node:child_process';

/**
 * Tests that need a system tool (mosquitto, clang, …) or an env-provided service
 * (PostgreSQL) ask for it here. On a developer machine a missing one skips the tests
 * with one loud line on stderr; in CI (`VMFLEET_REQUIRE_TOOLS=1`, set by .ci/run) it is
 * an error that names what to install, so a missing install step cannot pass as green.
 */
export const REQUIRE_TOOLS_ENV = 'VMFLEET_REQUIRE_TOOLS';

const announced = new Set<string>();

/** True when missing tools and services must fail the run instead of skipping. */
export function toolsRequired(): boolean {
  return process.env[REQUIRE_TOOLS_ENV] === '1';
}

// Debian installs daemons such as mosquitto in sbin, which is not on a normal user's PATH.
const SBIN_DIRS = ['/usr/local/sbin', '/usr/sbin', '/sbin'];

/**
 * Where `name` resolves to: an absolute path for a program on PATH (or in an sbin
 * directory), the bare name for a shell builtin, null when absent. Spawn what it returns.
 */
export function toolPath(name: string): string | null {
  if (name === '') return null;
  const path = [process.env.PATH ?? '', ...SBIN_DIRS].filter(Boolean).join(':');
  // The name goes in as "$1", never into the script text, so it cannot inject shell code.
  const probe = spawnSync('/bin/sh', ['-c', 'command -v -- "$1"', 'sh', name], {
    env: { ...process.env, PATH: path },
    encoding: 'utf8',
  });
  const found = probe.status === 0 ? probe.stdout.trim() : '';
  return found === '' ? null : found;
}

/** True when `name` is a program on PATH or in sbin (see toolPath), or a shell builtin. */
export function hasTool(name: string): boolean {
  return toolPath(name) !== null;
}

/**
 * True when `name` is found (see toolPath). Otherwise throws (VMFLEET_REQUIRE_TOOLS=1) or prints a
 * SKIP line once and returns false.
 */
export function requireTool(name: string, debianPackage: string): boolean {
  if (hasTool(name)) return true;
  return missing(`${name} not found`, `apt-get install ${debianPackage}`);
}

/**
 * The value of env var `name` when set and non-empty. Otherwise throws
 * (VMFLEET_REQUIRE_TOOLS=1) or prints a SKIP line once and returns undefined.
 * `hint` says how to provide it, e.g. how to start the service and what URL to export.
 */
export function requireEnv(name: string, hint: string): string | undefined {
  const value = process.env[name];
  if (value !== undefined && value !== '') return value;
  missing(`${name} not set`, hint);
  return undefined;
}

/**
 * True when `present`. Otherwise throws (VMFLEET_REQUIRE_TOOLS=1) or prints a SKIP line once
 * naming `what` is missing and `remedy`, and returns false. For needs that are not a program
 * on PATH (root, a device node, a built artefact).
 */
export function requireThat(present: boolean, what: string, remedy: string): boolean {
  return present || missing(what, remedy);
}

/** `describe` when the tool is on PATH, `describe.skip` otherwise (see requireTool). */
export function describeWithTool(
  tool: string,
  debianPackage: string,
  title: string,
  fn: () => void,
): void {
  const present = requireTool(tool, debianPackage);
  (present ? describe : describe.skip)(title, fn);
}

/** `describe` with the env var's value when set, `describe.skip` otherwise (see requireEnv). */
export function describeWithEnv(
  name: string,
  hint: string,
  title: string,
  fn: (value: string) => void,
): void {
  const value = requireEnv(name, hint);
  if (value === undefined) describe.skip(title, () => fn(''));
  else describe(title, () => fn(value));
}

function missing(what: string, remedy: string): false {
  if (toolsRequired()) {
    throw new Error(`${what} — ${remedy} (required because ${REQUIRE_TOOLS_ENV}=1)`);
  }
  const line = `SKIP: ${what} — ${remedy} (set ${REQUIRE_TOOLS_ENV}=1 to make this a failure)`;
  if (!announced.has(line)) {
    announced.add(line);
    process.stderr.write(`\n${line}\n`);
  }
  return false;
}
