import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import type { App } from '../../src/protocol/api';
import { parseAppKey, type AppKey } from '../args';
import { commandContext, examples, type CliDeps, type CommandContext } from '../context';
import { appFailure, CliError } from '../errors';
import { formatBytes } from '../format';
import { extensionForVm } from '../image-file';
import { printJson, printLine, type CliIo } from '../output';
import { appRef, shortSha } from '../views/app-views';

interface DownloadOptions {
  out?: string;
  manifest?: boolean;
  json?: boolean;
}

type Part = 'payload' | 'manifest';

/** CBOR tag 18 in its one-byte form (major type 6, value 18): COSE_Sign1, RFC 9052 §4.2. */
const COSE_SIGN1_TAG = 0xd2;

function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** The payload must be the one the manifest describes; nothing is saved otherwise. */
function checkPayload(app: App, bytes: Uint8Array): string {
  const sha256 = sha256Hex(bytes);
  if (bytes.length === app.size && sha256 === app.sha256.toLowerCase()) return sha256;
  throw new CliError(
    `the payload of ${appRef(app)} does not match its record: got ${bytes.length} bytes, ` +
      `sha256 ${shortSha(sha256)}; expected ${app.size} bytes, sha256 ${shortSha(app.sha256)}. ` +
      'Nothing was saved.',
  );
}

function checkManifest(app: App, bytes: Uint8Array): string {
  if (bytes[0] === COSE_SIGN1_TAG) return sha256Hex(bytes);
  throw new CliError(
    `the manifest of ${appRef(app)} is not a COSE_Sign1 (CBOR tag 18). Nothing was saved.`,
  );
}

async function fetchPart(ctx: CommandContext, key: AppKey, part: Part) {
  const { name, version } = key;
  try {
    const app = await ctx.client.getApp(name, version);
    if (part === 'manifest') {
      const bytes = await ctx.client.downloadAppManifest(name, version);
      return { app, bytes, sha256: checkManifest(app, bytes) };
    }
    const bytes = await ctx.client.downloadAppPayload(name, version);
    return { app, bytes, sha256: checkPayload(app, bytes) };
  } catch (err) {
    throw appFailure(err, `${name}@${version}`);
  }
}

/** `blinky-1.2.0.m1` or `blinky-1.2.0.cose`: a name `vmfleet apps push` takes back. */
export function defaultFileName(app: App, part: Part): string {
  const extension = part === 'manifest' ? '.cose' : extensionForVm(app.vm);
  return `${app.name}-${app.version}${extension}`;
}

/** `--out -` needs a stdout that takes bytes and is not a terminal; checked before downloading. */
function binaryStdout(io: CliIo): (bytes: Uint8Array) => void {
  if (io.stdoutIsTTY || !io.stdoutBytes) {
    throw new CliError('stdout is a terminal: redirect it, or pass --out <file>');
  }
  return io.stdoutBytes.bind(io);
}

function writeFile(ctx: CommandContext, out: string, bytes: Uint8Array): void {
  try {
    writeFileSync(resolve(ctx.io.cwd, out), bytes);
  } catch (err) {
    throw new CliError(`cannot write ${out}: ${(err as Error).message}`);
  }
}

function describeSaved(app: App, part: Part, out: string, bytes: Uint8Array, sha256: string) {
  const where = out === '-' ? 'stdout' : out;
  const size = formatBytes(bytes.length);
  if (part === 'manifest') {
    return `Saved the manifest of ${appRef(app)} to ${where} (${size}, COSE_Sign1 by key ${app.kid}).`;
  }
  return `Saved the payload of ${appRef(app)} to ${where} (${app.vm}, ${size}, sha256 ${shortSha(sha256)} checked).`;
}

async function download(key: AppKey, opts: DownloadOptions, command: Command, deps: CliDeps) {
  if (opts.out === '-' && opts.json) {
    throw new CliError('--json needs --out <file>: with --out - stdout carries the bytes');
  }
  const toStdout = opts.out === '-' ? binaryStdout(deps.io) : undefined;
  const ctx = commandContext(command, deps);
  const part: Part = opts.manifest ? 'manifest' : 'payload';
  const { app, bytes, sha256 } = await fetchPart(ctx, key, part);
  const out = opts.out ?? defaultFileName(app, part);
  if (toStdout) toStdout(bytes);
  else writeFile(ctx, out, bytes);
  if (opts.json) {
    return printJson(ctx.io, { app: appRef(app), part, file: out, bytes: bytes.length, sha256 });
  }
  const line = `${describeSaved(app, part, out, bytes, sha256)}\n`;
  // With --out - stdout carries the bytes, so the report goes to stderr.
  if (out === '-') ctx.io.stderr(line);
  else printLine(ctx.io, line.trimEnd());
}

export function addDownloadCommand(apps: Command, deps: CliDeps): void {
  apps
    .command('download')
    .description("save an app's payload (checked against its SHA-256), or its signed manifest")
    .argument('<name@version>', 'the app, e.g. blinky@1.2.0', parseAppKey)
    .option('--out <file>', "where to save it, '-' for stdout (default: <name>-<version>.<ext>)")
    .option('--manifest', 'the signed manifest (COSE_Sign1) instead of the payload')
    .option('--json', 'print what was saved as JSON')
    .addHelpText(
      'after',
      examples(
        'vmfleet apps download blinky@1.2.0',
        'vmfleet apps download blinky@1.2.0 --out /tmp/blinky.m1',
        'vmfleet apps download blinky@1.2.0 --manifest --out - | xxd | head',
      ),
    )
    .action((key: AppKey, opts: DownloadOptions, command: Command) =>
      download(key, opts, command, deps),
    );
}
