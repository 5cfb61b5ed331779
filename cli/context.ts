import type { Command } from 'commander';
import { ApiClient } from './api-client';
import { resolveConnection, type Connection, type GlobalOptions } from './config';
import type { CliIo } from './output';
import type { SimRuntime } from './sim/fleet';
import type { SignalSource } from './sim/signals';

/** Everything a command touches outside itself; `buildProgram()` fills in the real ones. */
export interface CliDeps {
  io: CliIo;
  fetch: typeof fetch;
  now: () => number;
  simRuntime: SimRuntime;
  signals: SignalSource;
}

export interface CommandContext {
  io: CliIo;
  client: ApiClient;
  connection: Connection;
  now: () => number;
}

/** Resolves --url / --token (with their env and file fallbacks) for the command being run. */
export function commandContext(command: Command, deps: CliDeps): CommandContext {
  const options = command.optsWithGlobals<GlobalOptions>();
  const connection = resolveConnection(options, deps.io.env, deps.io.cwd);
  const client = new ApiClient({
    baseUrl: connection.url,
    token: connection.token,
    fetch: deps.fetch,
  });
  return { io: deps.io, client, connection, now: deps.now };
}

/** The "Examples:" block every command's --help ends with. */
export function examples(...lines: string[]): string {
  return `\nExamples:\n${lines.map((line) => `  $ ${line}`).join('\n')}\n`;
}
