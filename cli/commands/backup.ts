import * as fs from 'node:fs';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import type { Command } from 'commander';
import { errorFromResponse } from '../api-response';
import { ApiTransport } from '../api-transport';
import { readBackup, restoreBackup, type CheckedBackup } from '../backup-archive';
import { commandContext, examples, type CliDeps } from '../context';
import { CliError } from '../errors';
import { formatBytes } from '../format';
import { printJson, printLine, printRecord, type CliIo } from '../output';

/** A backup of a big fleet's database takes a while to stream. */
const DOWNLOAD_TIMEOUT_MS = 60 * 60_000;

function summary(io: CliIo, file: string, checked: CheckedBackup, verb: string): void {
  const m = checked.manifest;
  printRecord(io, [
    [verb, file],
    ['taken', `${m.createdAt} by ${m.instance} (vmfleet ${m.gatewayVersion})`],
    ['database', `${m.database.kind}, at migration ${m.database.migration ?? 'none'}`],
    ['files', `${m.files.length} (${formatBytes(checked.bytes)}), every SHA-256 checked`],
  ]);
  if (m.database.kind === 'postgres') {
    printLine(
      io,
      'The PostgreSQL database is not in the archive: back it up with pg_dump (docs/operations.md "Backups").',
    );
  }
}

function asJson(file: string, checked: CheckedBackup) {
  return { file, bytes: checked.bytes, manifest: checked.manifest };
}

export function registerBackupCommand(program: Command, deps: CliDeps): void {
  const backup = program
    .command('backup')
    .description(
      "a running gateway's data dir as one checked archive, and putting it back (docs/operations.md)",
    )
    .addHelpText(
      'after',
      examples(
        'vmfleet backup create --out vmfleet-backup.tar',
        'vmfleet backup create --out b.tar && vmfleet backup verify b.tar',
      ),
    );

  backup
    .command('create')
    .description(
      'download a backup from the running gateway (admin token): SQLite snapshot, signing key, API token, TLS pair, app blobs',
    )
    .requiredOption('--out <file>', 'where to save the archive (it holds secrets: mode 0600)')
    .option('--force', 'overwrite --out if it exists')
    .option('--json', 'print the manifest as JSON')
    .addHelpText(
      'after',
      examples(
        'vmfleet backup create --out vmfleet-backup.tar',
        'vmfleet backup create --out /srv/backups/vmfleet-nightly.tar --force --json',
      ),
    )
    .action(async (opts: { out: string; force?: boolean; json?: boolean }, command: Command) => {
      const ctx = commandContext(command, deps);
      const out = path.resolve(ctx.io.cwd, opts.out);
      if (!opts.force && fs.existsSync(out))
        throw new CliError(`${out} exists; pass --force to overwrite it`);
      const http = new ApiTransport({
        baseUrl: ctx.connection.url,
        token: ctx.connection.token,
        fetch: deps.fetch,
      });
      const response = await http.send(http.urlFor('/api/backup'), {
        method: 'GET',
        path: '/api/backup',
        accept: 'application/x-tar',
        timeoutMs: DOWNLOAD_TIMEOUT_MS,
      });
      if (!response.ok) throw errorFromResponse(response, await response.text());
      if (!response.body) throw new CliError('the gateway sent no archive');
      const partial = `${out}.partial`;
      try {
        await pipeline(
          Readable.fromWeb(response.body as WebReadableStream<Uint8Array>),
          fs.createWriteStream(partial, { mode: 0o600 }),
        );
        const checked = readBackup(partial);
        fs.renameSync(partial, out);
        if (opts.json) return printJson(ctx.io, asJson(out, checked));
        summary(ctx.io, out, checked, 'saved');
      } catch (err) {
        fs.rmSync(partial, { force: true });
        if (err instanceof CliError) throw err;
        throw new CliError(
          `the backup download failed: ${(err as Error).message}. Nothing was saved.`,
        );
      }
    });

  backup
    .command('verify')
    .description(
      'check an archive: every header, every SHA-256 against its manifest; no gateway needed',
    )
    .argument('<file>', 'the archive `backup create` saved')
    .option('--json', 'print the manifest as JSON')
    .addHelpText(
      'after',
      examples('vmfleet backup create --out b.tar && vmfleet backup verify b.tar --json'),
    )
    .action((file: string, opts: { json?: boolean }) => {
      const where = path.resolve(deps.io.cwd, file);
      const checked = readBackup(where);
      if (opts.json) return printJson(deps.io, asJson(where, checked));
      summary(deps.io, where, checked, 'verified');
    });

  backup
    .command('restore')
    .description(
      'unpack a checked archive into a new, empty data dir (the gateway stopped); then start the gateway on it',
    )
    .argument('<file>', 'the archive `backup create` saved')
    .requiredOption('--data-dir <dir>', 'the data dir to create (must not exist, or be empty)')
    .option('--json', 'print the manifest as JSON')
    .addHelpText(
      'after',
      examples(
        'vmfleet backup create --out b.tar && vmfleet backup restore b.tar --data-dir restored',
      ),
    )
    .action((file: string, opts: { dataDir: string; json?: boolean }) => {
      const where = path.resolve(deps.io.cwd, file);
      const dir = path.resolve(deps.io.cwd, opts.dataDir);
      const checked = restoreBackup(where, dir);
      if (opts.json) return printJson(deps.io, { ...asJson(where, checked), dataDir: dir });
      summary(deps.io, dir, checked, 'restored into');
      printLine(deps.io, `start the gateway with VMFLEET_DATA_DIR=${dir}`);
    });
}
