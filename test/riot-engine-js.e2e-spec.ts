import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { caseOf, describeRiotEngine } from './support/riot-engine';
import { REPO_ROOT } from './support/riot-native';
import { JS_PRELUDE } from '../devices/engines/js/prelude';
import {
  ACTUATOR_TYPES,
  CONDITION_OP_CODES,
  RAW_EVENTS,
  SENSOR_TYPES,
} from '../devices/engines/script/abi-names';

/**
 * The RIOT firmware's JavaScript engine (firmware/riot/vm/jerryscript, VM=js, JerryScript
 * 2.4.0 from RIOT's pkg/jerryscript) in firmware/riot/tests/engine (cases/js.h): besides
 * what every engine does, the TS engine's API (devices/engines/js), button-counter's
 * handler through invoke(), hostile scripts stopped with their fault codes and the engine
 * usable after each, the device API's errors, sleeping through `yield`, and sources the
 * loader refuses.
 */
const ENGINE_DIR = join(REPO_ROOT, 'firmware', 'riot', 'vm', 'jerryscript');
const EXPECTED = join(REPO_ROOT, 'firmware', 'expected');

const cSource = (file: string) => readFileSync(join(ENGINE_DIR, file), 'utf8');

/** The { "name", number } pairs of one js_abi_name_t table in jerry_args.c. */
function cTable(name: string): Record<string, number> {
  const pattern = new RegExp(`js_abi_name_t js_${name}\\[\\] = \\{([^;]*)\\};`);
  const body = pattern.exec(cSource('jerry_args.c'));
  if (!body) throw new Error(`no table js_${name} in jerry_args.c`);
  const pairs = [...body[1].matchAll(/\{ "([^"]+)", (\d+) \}/g)];
  return Object.fromEntries(pairs.map(([, key, value]) => [key, Number(value)]));
}

/** prelude.js without its leading // comment. */
const preludeCopy = () =>
  cSource('prelude.js')
    .replace(/^(\/\/[^\n]*\n)+/, '')
    .replace(/\n$/, '');

const BREAKOUT = 'JavaScript syntax error: the program closes the function it runs in';

describe('the RIOT js engine keeps the TS engine API', () => {
  it('evaluates the prelude of devices/engines/js/prelude.ts, unchanged', () => {
    expect(preludeCopy()).toBe(JS_PRELUDE);
  });

  it('gives the script the API names of JS_PRELUDE', () => {
    const names = (text: string) => new Set([...text.matchAll(/^\s+(\w+): /gm)].map((m) => m[1]));
    expect(names(preludeCopy())).toEqual(names(JS_PRELUDE));
    expect(names(JS_PRELUDE)).toEqual(
      new Set(
        ['print', 'write', 'publish', 'time_ms', 'sleep_ms', 'exit', 'hal', 'probe'].concat([
          'read',
          'events',
          'on',
          'on_condition',
          'emit',
        ]),
      ),
    );
  });

  it('registers exactly the host functions the prelude calls', () => {
    const called = new Set([...JS_PRELUDE.matchAll(/\bsys\.(\w+)\(/g)].map((m) => m[1]));
    const registered = [...cSource('jerry_host.c').matchAll(/\{ "(\w+)", host_\w+ \}/g)];
    expect(new Set(registered.map((m) => m[1]))).toEqual(called);
  });

  it.each([
    ['sensor_types', SENSOR_TYPES],
    ['actuator_types', ACTUATOR_TYPES],
    ['raw_events', RAW_EVENTS],
    ['condition_ops', CONDITION_OP_CODES],
  ])('names %s as abi-names.ts does', (table, names) => {
    expect(cTable(table)).toEqual(names);
  });
});

/** Hostile scripts, what they print, how they end, and the line inspect() gives. */
const hostile: [string, string, RegExp, number][] = [
  ['deep-recursion', 'deep: going down\n', /^fault=stack_exhausted RangeError: Maximum call/, 2],
  ['builtin-recursion', '', /^fault=stack_exhausted RangeError: Maximum call/, 3],
  ['alloc-bomb', 'bomb: allocating\n', /^fault=out_of_memory out of memory: the script needs/, 0],
  ['string-bomb', 'strings: doubling\n', /^fault=out_of_memory out of memory: /, 0],
  ['catch-budget', 'catch: looping\n', /^fault=budget_exhausted ran 20000000 instructions/, 2],
];

/** The device API: output and end. */
const api: [string, string, RegExp][] = [
  ['sleep', 'sleep: before\nsleep: after undefined\n', /^exit=0$/],
  ['exit-code', 'exit: 3\n', /^exit=3$/],
  ['return-code', 'return 7\n', /^exit=7$/],
  [
    'bad-sensor',
    'sensor\n',
    /^fault=guest_error Error: unknown sensor "nope"; use one of: temperature, humidity, light/,
  ],
  ['bad-number', '', /^fault=guest_error Error: value must be a number, not "on"$/],
  ['bad-handler', '', /^fault=guest_error TypeError: events.on: the handler must be a function$/],
  ['publish', '[publish answer=42]\n[emit 101=0]\n', /^exit=0$/],
];

describeRiotEngine('js', {
  version: 'jerryscript-2.4.0',
  preemptible: false,
  wildStoreOutput: 'wild-store: writing through null\n',
  wildStoreFault: 'guest_error',
  more: (output) => {
    const line = (name: string) => new RegExp(`@@LINE ${name} (\\d+)@@`).exec(output())?.[1];

    it('reports the line of a wild store through null', () => {
      expect(caseOf(output(), 'wild-store').end).toBe(
        "fault=guest_error TypeError: Cannot set property 'value' of null",
      );
      expect(line('wild-store-line')).toBe('6');
    });

    it("serves button-counter's handler through invoke() after main exits", () => {
      const out = output();
      expect(caseOf(out, 'button-counter').output).toBe('button-counter: counting presses\n');
      expect(caseOf(out, 'button-counter').end).toBe('exit=0');
      for (let press = 1; press <= 5; press++) {
        const served = caseOf(out, `press${press}`);
        const emit = press === 5 ? '[emit 100=5]\n' : '';
        expect(served.output).toBe(`[publish presses=${press}]\n${emit}`);
        expect(served.end).toBe('returned=0');
      }
      expect(out).toContain('@@INVOKE bad=-1@@');
      expect(out).toContain('@@READ inside=0 outside=0@@');
    });

    it.each(hostile)('stops %s', (name, printed, end, at) => {
      const result = caseOf(output(), name);
      expect(result.output).toBe(printed);
      expect(result.end).toMatch(end);
      expect(line(name)).toBe(String(at));
    });

    it('lets a script catch the stack limit, deeper than ackermann goes', () => {
      const result = caseOf(output(), 'catch-recursion');
      const depth = /^RangeError: caught\ndepth (\d+)\n$/.exec(result.output);
      expect(depth).not.toBeNull();
      expect(Number(depth![1])).toBeGreaterThan(520);
      expect(result.end).toBe('exit=4');
    });

    it('runs a program after every hostile one', () => {
      const after = caseOf(output(), 'after');
      expect(after.output).toBe(readFileSync(join(EXPECTED, 'fibonacci.txt'), 'utf8'));
      expect(after.end).toBe('exit=0');
    });

    it.each(api)('serves the device API: %s', (name, printed, end) => {
      const result = caseOf(output(), name);
      expect(result.output).toBe(printed);
      expect(result.end).toMatch(end);
    });

    it("ends the program when a handler throws, with the handler's line", () => {
      expect(caseOf(output(), 'handler-error').end).toBe('exit=0');
      expect(output()).toContain('@@INVOKE handler-error=0@@');
      expect(caseOf(output(), 'handler-throw').end).toBe('fault=guest_error Error: handler 5');
      expect(line('handler-throw')).toBe('2');
    });

    it.each([
      ['syntax-error', 'syntax_error: JavaScript syntax error (line 2): '],
      ['top-level-yield-in-function', 'syntax_error: JavaScript syntax error (line 1): '],
      ['bad-utf8', 'bad_source: JavaScript source is not valid UTF-8'],
      ['empty', 'bad_source: JavaScript source is empty'],
      [
        'deep-functions',
        "syntax_error: JavaScript syntax error: functions nested too deeply for the device's stack",
      ],
      ['small-ram', "does_not_fit: JerryScript's heap is 65536 bytes, the board grants 2048"],
      ['breakout-loop', `syntax_error: ${BREAKOUT}`],
      ['breakout-code', `syntax_error: ${BREAKOUT}`],
    ])('refuses %s with %s', (name, reason) => {
      expect(output()).toContain(`@@REFUSED ${name} ${reason}`);
      expect(output()).not.toContain(`@@LOADED ${name} `);
    });

    it('parses the largest benchmarks within the load stack cap', () => {
      for (const name of ['xgboost-parse', 'tarfind-parse']) {
        const used = new RegExp(`@@PARSE_STACK ${name} (\\d+)@@`).exec(output());
        expect(used).not.toBeNull();
        expect(Number(used![1])).toBeGreaterThan(0);
        expect(Number(used![1])).toBeLessThan(12288);
      }
    });

    it('reports the heap as guest memory, and its high-water mark', () => {
      for (const name of ['heapsort', 'tarfind', 'xgboost']) {
        const m = new RegExp(`@@MEMORY ${name} guest=(\\d+) peak=(\\d+) engine=(\\d+)`).exec(
          output(),
        );
        expect(m).not.toBeNull();
        const [guest, peak, engine] = m!.slice(1).map(Number);
        expect(guest).toBe(65536);
        expect(peak).toBeGreaterThan(4096);
        expect(peak).toBeLessThanOrEqual(guest);
        expect(engine).toBeGreaterThan(guest);
      }
      expect(output()).toMatch(/@@MEMORY alloc-bomb guest=65536 peak=65536 /);
    });
  },
});
