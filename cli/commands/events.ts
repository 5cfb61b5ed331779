import { Command, Option } from 'commander';
import type { ApiClient } from '../api-client';
import { EVENT_KINDS } from '../../src/protocol/api';
import type { EventInjection } from '../api-requests';
import {
  parseDeviceId,
  parseEventLimit,
  parseEventName,
  parseEventValue,
  parseTimeArg,
} from '../args';
import { commandContext, examples, type CliDeps } from '../context';
import { deviceFailure } from '../errors';
import { followEvents } from '../events-follow';
import { printJson, printLine } from '../output';
import { printEventTable } from '../views/event-views';
import { describeInjection } from '../views/monitor-views';

interface EventsOptions {
  since?: string;
  limit?: number;
  kind?: string;
  follow?: boolean;
  json?: boolean;
}

const EVENTS_HELP = `
Kinds: publish (a value the app published), emit (an event the app raised),
vm (the VM changed state: exited, faulted, stopped). With --follow, --since prints the
events since then first; the stream reconnects by itself if it drops.
${examples(
  'vmfleet events lab-01',
  'vmfleet events lab-01 --since 15m --kind vm',
  'vmfleet events lab-01 --follow',
  'vmfleet events lab-01 --follow --json | jq .value',
  'vmfleet events lab-01 inject button',
)}`;

type Event = number | 'button';

async function injectEvent(client: ApiClient, id: string, injection: EventInjection) {
  try {
    return await client.injectEvent(id, injection);
  } catch (err) {
    throw deviceFailure(err, id);
  }
}

function addInjectCommand(events: Command, deps: CliDeps): void {
  const root = events.parent?.name() ?? 'vmfleet';
  events
    .command('inject')
    .description('queue an event on the device, as if its button was pressed (or a user event)')
    .argument('<id>', 'device id', parseDeviceId)
    .argument('<event>', "'button' or an event number (user events: 100-199)", parseEventName)
    .argument('[value]', 'value the event carries, a signed 32-bit number', parseEventValue, 0)
    .option('--json', 'print the answer as JSON')
    .configureHelp({ commandUsage: () => `${root} events <id> inject <event> [value] [options]` })
    .addHelpText(
      'after',
      examples('vmfleet events lab-01 inject button', 'vmfleet events lab-01 inject 101 42'),
    )
    .action(async (id: string, event: Event, value: number, _opts: unknown, command: Command) => {
      // `--json` after the id may have been taken by `events` itself, which has one too.
      const { json } = command.optsWithGlobals<{ json?: boolean }>();
      const ctx = commandContext(command, deps);
      const answer = await injectEvent(ctx.client, id, { event, value });
      if (json) return printJson(ctx.io, answer);
      printLine(ctx.io, describeInjection(id, event, value, answer.queued));
    });
}

export function registerEventsCommand(program: Command, deps: CliDeps): void {
  const events = program
    .command('events')
    .description('events of one device: values its app publishes and emits, VM state changes')
    .usage('<id> [options]\n       vmfleet events <id> inject <event> [value]')
    .argument('<id>', 'device id', parseDeviceId)
    .option('--since <time>', 'from then on: ISO date, Unix ms, or an age such as 15m, 2h', (v) =>
      parseTimeArg(v, deps.now()),
    )
    .option('--limit <n>', 'at most this many events (1-1000, default 100)', parseEventLimit)
    .addOption(new Option('--kind <kind>', 'only events of this kind').choices(EVENT_KINDS))
    .option('-f, --follow', 'keep printing events as they happen, until Ctrl-C')
    .option('--json', 'print JSON (with --follow: one JSON object per line)')
    .addHelpText('after', EVENTS_HELP)
    .action(async (id: string, opts: EventsOptions, command: Command) => {
      const ctx = commandContext(command, deps);
      if (opts.follow) {
        const options = { since: opts.since, limit: opts.limit, kind: opts.kind };
        return followEvents({ ...ctx, signals: deps.signals }, id, {
          ...options,
          json: Boolean(opts.json),
        });
      }
      const items = await ctx.client.listEvents(id, opts);
      if (opts.json) return printJson(ctx.io, items);
      if (items.length === 0) return printLine(ctx.io, `No events from ${id}.`);
      printEventTable(ctx.io, items);
    });
  addInjectCommand(events, deps);
}
