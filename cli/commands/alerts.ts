import { Command, InvalidArgumentError, Option } from 'commander';
import {
  alertListSchema,
  alertRuleListSchema,
  alertRuleSchema,
  type AlertRuleView,
  type AlertView,
} from '../../src/protocol/api';
import { ApiTransport } from '../api-transport';
import { commandContext, examples, type CliDeps } from '../context';
import { formatRelativeTime, NONE } from '../format';
import { makeTable, printJson, printLine, printTable, type CliIo } from '../output';

const KINDS = ['telemetry', 'silent', 'event_rate', 'rollout_failed'];
const METRICS = ['ram_pct', 'flash_pct', 'cpu_pct', 'instructions_per_s'];
const EVENTS = ['fault', 'publish', 'emit', 'vm'];
const OPS: Record<string, '>' | '<'> = { '>': '>', '<': '<', gt: '>', lt: '<' };

interface RuleOptions {
  kind?: string;
  name?: string;
  metric?: string;
  op?: '>' | '<';
  threshold?: number;
  for?: number;
  periods?: number;
  event?: string;
  count?: number;
  window?: number;
  tag?: string;
  vm?: string;
  board?: string;
  webhook?: string;
  enable?: boolean;
  json?: boolean;
}

function parseNumber(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n)) throw new InvalidArgumentError('a number');
  return n;
}

function parseWhole(value: string): number {
  if (!/^\d{1,9}$/.test(value)) throw new InvalidArgumentError('a whole number');
  return Number(value);
}

function parseOp(value: string): '>' | '<' {
  const op = OPS[value];
  if (!op) throw new InvalidArgumentError('one of >, <, gt, lt');
  return op;
}

/** The rule fields given on the command line; the gateway checks the whole rule. */
export function ruleBody(o: RuleOptions): Record<string, unknown> {
  const scope = { tag: o.tag, vm: o.vm, board: o.board };
  const fields: Record<string, unknown> = {
    kind: o.kind,
    name: o.name,
    metric: o.metric,
    op: o.op,
    threshold: o.threshold,
    forSeconds: o.for,
    periods: o.periods,
    event: o.event,
    count: o.count,
    windowSeconds: o.window,
    webhookUrl: o.webhook === 'none' ? null : o.webhook,
    enabled: o.enable,
    scope: Object.values(scope).some((v) => v !== undefined) ? scope : undefined,
  };
  return Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined));
}

/** What a rule watches, in one cell: `ram_pct > 90 for 60s`, `silent 3 periods` … */
export function describeRule(r: AlertRuleView): string {
  const scope = Object.entries(r.scope ?? {})
    .filter(([, v]) => typeof v === 'string')
    .map(([k, v]) => `${k}=${String(v)}`)
    .join(' ');
  const what =
    r.kind === 'telemetry'
      ? `${r.metric} ${r.op} ${r.threshold}${r.forSeconds ? ` for ${r.forSeconds}s` : ''}`
      : r.kind === 'silent'
        ? `no telemetry for ${r.periods} intervals`
        : r.kind === 'event_rate'
          ? `${r.count}+ ${r.event} events in ${r.windowSeconds}s`
          : 'a deployment halts';
  return scope ? `${what} (${scope})` : what;
}

function ruleOptions(command: Command, forAdd: boolean): Command {
  const kind = new Option('--kind <kind>', 'what the rule watches').choices(KINDS);
  return command
    .addOption(forAdd ? kind.makeOptionMandatory() : kind.hideHelp())
    .option('--name <name>', 'a name for people (shown on alerts)')
    .addOption(new Option('--metric <metric>', 'telemetry: what is compared').choices(METRICS))
    .option('--op <op>', 'telemetry: > or < (gt, lt save quoting)', parseOp)
    .option('--threshold <n>', 'telemetry: the value compared against', parseNumber)
    .option('--for <seconds>', 'telemetry: how long it must hold before firing', parseWhole)
    .option('--periods <n>', "silent: how many of the device's intervals", parseWhole)
    .addOption(new Option('--event <event>', 'event_rate: which events count').choices(EVENTS))
    .option('--count <n>', 'event_rate: events that fire the rule', parseWhole)
    .option('--window <seconds>', 'event_rate: the window they are counted in', parseWhole)
    .option('--tag <tag>', 'only devices with this tag')
    .option('--vm <kind>', 'only devices of this VM kind')
    .option('--board <board>', 'only devices of this board')
    .option('--webhook <url>', 'POST each firing and resolution here (none: remove it)')
    .option('--json', 'print the rule as JSON');
}

function printRules(io: CliIo, rules: AlertRuleView[]): void {
  const table = makeTable(io, ['ID', 'NAME', 'KIND', 'CONDITION', 'WEBHOOK', 'ON'], [0]);
  for (const r of rules) {
    const on = r.enabled ? 'yes' : 'no';
    table.push([r.id, r.name, r.kind, describeRule(r), r.webhookUrl ? 'yes' : NONE, on]);
  }
  printTable(io, table);
}

function printAlerts(io: CliIo, alerts: AlertView[], now: Date): void {
  const table = makeTable(io, ['ID', 'STATE', 'RULE', 'ON', 'MESSAGE', 'FIRED', 'RESOLVED'], [0]);
  for (const a of alerts) {
    const on = a.deviceId ?? `deployment ${a.deploymentId}`;
    const resolved = a.resolvedAt ? formatRelativeTime(a.resolvedAt, now) : NONE;
    const fired = formatRelativeTime(a.firedAt, now);
    table.push([a.id, a.state, a.ruleName, on, a.message, fired, resolved]);
  }
  printTable(io, table);
}

export function registerAlertsCommand(program: Command, deps: CliDeps): void {
  const http = (command: Command) => {
    const ctx = commandContext(command, deps);
    const { url, token } = ctx.connection;
    return { ctx, http: new ApiTransport({ baseUrl: url, token, fetch: deps.fetch }) };
  };
  const alerts = program
    .command('alerts')
    .description('alerts that fire and resolve by themselves, and the rules behind them')
    .addHelpText(
      'after',
      examples(
        'vmfleet alerts list --firing',
        'vmfleet alerts rules list',
        'vmfleet alerts rules add --help',
      ),
    );

  alerts
    .command('list')
    .alias('ls')
    .description('alerts, newest first: which rule fired on which device, and whether it resolved')
    .option('--firing', 'only alerts firing now')
    .option('--limit <n>', 'at most this many (default 100)', parseWhole)
    .option('--json', 'print JSON instead of a table')
    .addHelpText('after', examples('vmfleet alerts list --firing', 'vmfleet alerts list --json'))
    .action(
      async (opts: { firing?: boolean; limit?: number; json?: boolean }, command: Command) => {
        const { ctx, http: api } = http(command);
        const query = { state: opts.firing ? 'firing' : undefined, limit: opts.limit?.toString() };
        const { items } = await api.request({
          method: 'GET',
          path: '/api/alerts',
          query,
          schema: alertListSchema,
        });
        if (opts.json) return printJson(ctx.io, items);
        if (items.length === 0)
          return printLine(ctx.io, opts.firing ? 'No alert is firing.' : 'No alerts yet.');
        printAlerts(ctx.io, items, new Date(ctx.now()));
      },
    );

  const rules = alerts
    .command('rules')
    .description('add, list, change and remove alert rules')
    .addHelpText(
      'after',
      examples(
        'vmfleet alerts rules list',
        'vmfleet alerts rules add --help',
        'vmfleet alerts rules rm 2',
      ),
    );

  rules
    .command('list')
    .alias('ls')
    .description('every alert rule with what it watches')
    .option('--json', 'print JSON instead of a table')
    .addHelpText('after', examples('vmfleet alerts rules list', 'vmfleet alerts rules list --json'))
    .action(async (opts: { json?: boolean }, command: Command) => {
      const { ctx, http: api } = http(command);
      const { items } = await api.request({
        method: 'GET',
        path: '/api/alert-rules',
        schema: alertRuleListSchema,
      });
      if (opts.json) return printJson(ctx.io, items);
      if (items.length === 0)
        return printLine(ctx.io, 'No alert rules; add one with `vmfleet alerts rules add`.');
      printRules(ctx.io, items);
    });

  ruleOptions(rules.command('add'), true)
    .description('add a rule; it is evaluated on every sample and event from now on')
    .addHelpText(
      'after',
      examples(
        'vmfleet alerts rules add --kind telemetry --name "RAM high" --metric ram_pct --op gt --threshold 90 --for 60',
        'vmfleet alerts rules add --kind silent --name quiet --periods 3 --tag lab',
        'vmfleet alerts rules add --kind event_rate --name faults --event fault --count 3 --window 3600',
        'vmfleet alerts rules add --kind rollout_failed --name rollouts --webhook https://hooks.example/x',
      ),
    )
    .action(async (opts: RuleOptions, command: Command) => {
      const { ctx, http: api } = http(command);
      const body = ruleBody({ ...opts, name: opts.name ?? opts.kind });
      const rule = await api.request({
        method: 'POST',
        path: '/api/alert-rules',
        body,
        schema: alertRuleSchema,
      });
      if (opts.json) return printJson(ctx.io, rule);
      printLine(ctx.io, `Added rule ${rule.id} (${rule.name}): ${describeRule(rule)}.`);
    });

  ruleOptions(rules.command('set'), false)
    .description("change a rule's fields (not its kind); its alerts are checked again at once")
    .argument('<id>', 'the rule id', parseWhole)
    .option('--enable', 'evaluate the rule')
    .option('--no-enable', 'keep the rule but stop evaluating it (its alerts resolve)')
    .addHelpText(
      'after',
      examples(
        'vmfleet alerts rules set 2 --threshold 95',
        'vmfleet alerts rules set 2 --no-enable',
      ),
    )
    .action(async (id: number, opts: RuleOptions, command: Command) => {
      const { ctx, http: api } = http(command);
      const body = ruleBody(opts);
      const path = `/api/alert-rules/${id}`;
      const rule = await api.request({ method: 'PATCH', path, body, schema: alertRuleSchema });
      if (opts.json) return printJson(ctx.io, rule);
      printLine(ctx.io, `Changed rule ${rule.id} (${rule.name}): ${describeRule(rule)}.`);
    });

  rules
    .command('rm')
    .alias('remove')
    .description('remove a rule; its firing alerts resolve')
    .argument('<id>', 'the rule id', parseWhole)
    .option('--json', 'print {"removed": id}')
    .addHelpText('after', examples('vmfleet alerts rules rm 2'))
    .action(async (id: number, opts: { json?: boolean }, command: Command) => {
      const { ctx, http: api } = http(command);
      await api.request({ method: 'DELETE', path: `/api/alert-rules/${id}` });
      if (opts.json) return printJson(ctx.io, { removed: id });
      printLine(ctx.io, `Removed rule ${id}.`);
    });
}
