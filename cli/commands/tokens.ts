import { Command, InvalidArgumentError, Option } from 'commander';
import { ROLES, type ApiTokenView } from '../../src/protocol/api';
import { TokensApi } from '../api-tokens';
import { commandContext, examples, type CliDeps, type CommandContext } from '../context';
import { formatRelativeTime, formatTimestamp } from '../format';
import { makeTable, printJson, printLine, printRecord, printTable } from '../output';

function parseTokenId(value: string): string {
  if (!/^t[0-9a-f]{10}$/.test(value)) {
    throw new InvalidArgumentError('a token id such as t3f9a1c2b04 (see `vmfleet tokens list`)');
  }
  return value;
}

function parseName(value: string): string {
  const name = value.trim();
  if (!/^[\p{L}\p{N}][\p{L}\p{N} ._@+-]{0,63}$/u.test(name)) {
    throw new InvalidArgumentError('1-64 letters, digits, spaces and . _ @ + -');
  }
  return name;
}

const tokensApi = (ctx: CommandContext, deps: CliDeps) =>
  new TokensApi({ baseUrl: ctx.connection.url, token: ctx.connection.token, fetch: deps.fetch });

function printTokenTable(ctx: CommandContext, items: ApiTokenView[]): void {
  const now = new Date(ctx.now());
  const table = makeTable(ctx.io, ['ID', 'NAME', 'ROLE', 'CREATED', 'LAST USED', 'REVOKED']);
  for (const t of items) {
    table.push([
      t.id,
      t.name,
      t.role,
      formatTimestamp(t.createdAt),
      formatRelativeTime(t.lastUsedAt, now),
      t.revokedAt ? formatTimestamp(t.revokedAt) : '',
    ]);
  }
  printTable(ctx.io, table);
}

export function registerTokensCommand(program: Command, deps: CliDeps): void {
  const tokens = program
    .command('tokens')
    .description('API tokens per person with a role (viewer < operator < admin); admin only')
    .addHelpText(
      'after',
      examples(
        'vmfleet tokens create --name alice --role viewer',
        'vmfleet tokens list',
        'vmfleet tokens revoke t3f9a1c2b04',
        'vmfleet tokens whoami',
      ),
    );

  tokens
    .command('create')
    .description('create a token for a person; its secret is printed once and never again')
    .requiredOption('--name <name>', 'who gets it (a person, or a machine such as ci)', parseName)
    .addOption(new Option('--role <role>', 'what it may do').choices(ROLES).makeOptionMandatory())
    .option('--json', 'print the token and its secret as JSON')
    .addHelpText(
      'after',
      examples(
        'vmfleet tokens create --name alice --role viewer',
        'vmfleet tokens create --name ci --role operator --json',
      ),
    )
    .action(async (opts: { name: string; role: string; json?: boolean }, command: Command) => {
      const ctx = commandContext(command, deps);
      const created = await tokensApi(ctx, deps).create({ name: opts.name, role: opts.role });
      if (opts.json) return printJson(ctx.io, created);
      const { token } = created;
      printLine(ctx.io, `Created token ${token.id} for ${token.name} (${token.role}).`);
      printLine(ctx.io, 'Its secret, shown only now (the gateway keeps only a hash):');
      printLine(ctx.io, created.secret);
    });

  tokens
    .command('list')
    .alias('ls')
    .description('tokens, oldest first, without secrets; revoked ones only with --all')
    .option('--all', 'also revoked tokens')
    .option('--json', 'print JSON instead of a table')
    .addHelpText('after', examples('vmfleet tokens list', 'vmfleet tokens list --all --json'))
    .action(async (opts: { all?: boolean; json?: boolean }, command: Command) => {
      const ctx = commandContext(command, deps);
      const all = await tokensApi(ctx, deps).list();
      const items = opts.all ? all : all.filter((t) => t.revokedAt === null);
      if (opts.json) return printJson(ctx.io, items);
      if (items.length === 0) {
        return printLine(ctx.io, 'No tokens; create one with `vmfleet tokens create`.');
      }
      printTokenTable(ctx, items);
    });

  tokens
    .command('revoke')
    .description('revoke a token: the gateway refuses it (401) from now on')
    .argument('<id>', 'the token id (vmfleet tokens list)', parseTokenId)
    .option('--json', 'print the revoked token as JSON')
    .addHelpText('after', examples('vmfleet tokens revoke t3f9a1c2b04'))
    .action(async (id: string, opts: { json?: boolean }, command: Command) => {
      const ctx = commandContext(command, deps);
      const token = await tokensApi(ctx, deps).revoke(id);
      if (opts.json) return printJson(ctx.io, token);
      printLine(ctx.io, `Revoked token ${token.id} of ${token.name} (${token.role}).`);
    });

  tokens
    .command('whoami')
    .description('whose token this CLI uses, and its role (any role may ask)')
    .option('--json', 'print JSON')
    .addHelpText('after', examples('vmfleet tokens whoami', 'vmfleet --token vmf_… tokens whoami'))
    .action(async (opts: { json?: boolean }, command: Command) => {
      const ctx = commandContext(command, deps);
      const me = await tokensApi(ctx, deps).whoAmI();
      if (opts.json) return printJson(ctx.io, me);
      printRecord(ctx.io, [
        ['name', me.name],
        ['role', me.role],
        ['token', me.id ?? 'the first-start token (VMFLEET_API_TOKEN or data/api-token)'],
      ]);
    });
}
