/**
 * `vmfleet monitor <id> <op>` and `vmfleet events <id> inject` name the device before the
 * operation, which reads well but is not a shape commander parses: its subcommands come
 * first. So the command line is reordered to `monitor <op> <id>` before commander sees it;
 * the op-first form works as it is.
 */

/** Root options that take a value, so their value is not mistaken for the command. */
const ROOT_OPTIONS_WITH_VALUE = new Set(['--url', '--token']);

function commandIndex(args: readonly string[]): number {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === '--') return -1;
    if (ROOT_OPTIONS_WITH_VALUE.has(arg)) i++;
    else if (!arg.startsWith('-')) return i;
  }
  return -1;
}

/** Where the id is after the group at `at`: past the group's own options (`--timeout 2000`). */
function idIndex(args: readonly string[], at: number, groupOptions: ReadonlySet<string>): number {
  let i = at + 1;
  while (i < args.length && groupOptions.has(args[i])) i += 2;
  return i;
}

/**
 * Swaps `<group> <id> <sub>` to `<group> <sub> <id>` when `sub` is one of the group's
 * subcommands; `subcommands` maps each group to those names. Options of the group itself
 * that take a value (`groupOptions`, e.g. `monitor --timeout 2000 lab-01 status`) may come
 * between the group and the id.
 */
export function idFirstToCommandFirst(
  args: readonly string[],
  subcommands: Readonly<Record<string, readonly string[]>>,
  groupOptions: ReadonlySet<string> = new Set(),
): string[] {
  const result = [...args];
  const at = commandIndex(args);
  const names = at < 0 ? undefined : subcommands[args[at]];
  if (!names) return result;
  const idAt = idIndex(args, at, groupOptions);
  const id = args[idAt];
  const sub = args[idAt + 1];
  if (id === undefined || sub === undefined) return result;
  // The id-first form wins when both could be subcommands: `monitor status step` steps `status`.
  if (id.startsWith('-') || id === 'help' || !names.includes(sub)) return result;
  result[idAt] = sub;
  result[idAt + 1] = id;
  return result;
}

/**
 * `vmfleet apps push … --version 1.2.0`: the root command owns `--version` (print the CLI's
 * version) and commander lets root options appear anywhere, so it would print that and stop.
 * The root leaves `--version=1.2.0` alone (its --version takes no value), so after the
 * command `path` each `--version <value>` is joined into that form for the subcommand to
 * parse. A missing value becomes `--version=`, which the subcommand then rejects.
 */
export function joinOptionValue(
  args: readonly string[],
  path: readonly string[],
  flag: string,
): string[] {
  const at = commandIndex(args);
  const matches = at >= 0 && path.every((word, i) => args[at + i] === word);
  if (!matches) return [...args];
  const result = args.slice(0, at + path.length);
  for (let i = at + path.length; i < args.length; i++) {
    const arg = args[i];
    if (arg === '--') {
      result.push(...args.slice(i));
      break;
    }
    if (arg !== flag) {
      result.push(arg);
      continue;
    }
    const value = args[i + 1];
    const hasValue = value !== undefined && !value.startsWith('-');
    result.push(`${flag}=${hasValue ? value : ''}`);
    if (hasValue) i++;
  }
  return result;
}
