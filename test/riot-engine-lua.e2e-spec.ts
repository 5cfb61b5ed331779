import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { caseOf, describeRiotEngine } from './support/riot-engine';
import { REPO_ROOT } from './support/riot-native';
import { LUA_PRELUDE } from '../devices/engines/lua/prelude';
import {
  abiNumber,
  ACTUATOR_TYPES,
  CONDITION_OP_CODES,
  RAW_EVENTS,
  SENSOR_TYPES,
} from '../devices/engines/script/abi-names';

/**
 * The RIOT firmware's Lua engine (firmware/riot/vm/lua, VM=lua, RIOT's pkg/lua) in
 * firmware/riot/tests/engine (cases/lua.h): besides what every engine does, the same
 * Lua-side API as the TS engine (devices/engines/lua), button-counter's handler through
 * invoke(), hostile scripts stopped with their fault codes, C recursion ended by Lua's
 * own limit well inside the VM thread's stack, and sources the loader refuses.
 */
const ENGINE_DIR = join(REPO_ROOT, 'firmware', 'riot', 'vm', 'lua');
const EXPECTED = join(REPO_ROOT, 'firmware', 'expected');
/** vm.h's VM_FAULT_MESSAGE_BYTES, with the NUL. */
const FAULT_MESSAGE_CHARS = 95;

const cSource = (file: string) => readFileSync(join(ENGINE_DIR, file), 'utf8');

/** The { "name", number } pairs of one abi_name_t table in lua_args.c. */
function cTable(name: string): Record<string, number> {
  const pattern = new RegExp(`abi_name_t lx_${name}\\[\\] = \\{([^;]*)\\};`);
  const body = pattern.exec(cSource('lua_args.c'));
  if (!body) throw new Error(`no table lx_${name} in lua_args.c`);
  const pairs = [...body[1].matchAll(/\{ "([^"]+)", (\d+) \}/g)];
  return Object.fromEntries(pairs.map(([, key, value]) => [key, Number(value)]));
}

describe('the RIOT Lua engine keeps the TS engine API', () => {
  it('embeds the prelude of devices/engines/lua/prelude.ts byte for byte', () => {
    expect(cSource('prelude.lua')).toBe(LUA_PRELUDE.replace(/^\n/, ''));
  });

  it('registers exactly the host functions the prelude calls', () => {
    const called = new Set([...LUA_PRELUDE.matchAll(/\bsys\.(\w+)\(/g)].map((m) => m[1]));
    const registered = [...cSource('lua_sys.c').matchAll(/\{ "(\w+)", sys_\w+ \}/g)];
    expect(new Set(registered.map((m) => m[1]))).toEqual(called);
  });

  it.each([
    ['sensors', SENSOR_TYPES],
    ['actuators', ACTUATOR_TYPES],
    ['raw_events', RAW_EVENTS],
    ['condition_ops', CONDITION_OP_CODES],
  ])('names %s as abi-names.ts does', (table, names) => {
    expect(cTable(table)).toEqual(names);
  });
});

const hostile: [string, RegExp][] = [
  ['endless', /^fault=budget_exhausted /],
  ['alloc-bomb', /^fault=out_of_memory not enough memory/],
  ['lua-recursion', /^fault=out_of_memory not enough memory/],
  ['pcall-exit', /^exit=3$/],
  ['gc-finalizer', /^fault=guest_error guest:1: __gc metamethods are not supported/],
  ['binary-chunk', /^fault=guest_error guest:1: attempt to load a binary chunk/],
  ['sort-spin', /^fault=budget_exhausted the budget ran out where the script cannot pause/],
  ['coroutine-spin', /^fault=budget_exhausted the budget ran out where the script cannot pause/],
  ['deep-index', /^fault=stack_exhausted guest:1: C stack overflow$/],
  ['deep-pcall', /^fault=stack_exhausted C stack overflow$/],
  ['deep-coroutine', /^fault=(stack_exhausted|out_of_memory) /],
  ['deep-gsub', /^fault=stack_exhausted C stack overflow$/],
  ['deep-tostring', /^fault=stack_exhausted C stack overflow$/],
  ['deep-parse', /^fault=guest_error .*too many C levels/],
  ['deep-functions', /^fault=guest_error .*too many C levels/],
  ['deep-pattern', /^fault=guest_error guest:1: pattern too complex$/],
];

describeRiotEngine('lua', {
  version: 'lua-5.3.4',
  preemptible: true,
  wildStoreOutput: 'wild-store: writing through nil\n',
  wildStoreFault: 'guest_error',
  more: (output) => {
    it("serves button-counter's handler through invoke() after the chunk returns", () => {
      const out = output();
      expect(caseOf(out, 'button-counter').end).toBe('exit=0');
      expect(out).toContain('@@HANDLER 0@@');
      for (let press = 1; press <= 5; press++) {
        const served = caseOf(out, `press${press}`);
        const emit = press === 5 ? '[emit 100=5]\n' : '';
        expect(served.output).toBe(`[publish presses=${press}]\n${emit}`);
        expect(served.end).toBe('returned=0');
      }
      expect(out).toMatch(/@@INVOKE bad=-\d@@/);
      // a Lua program has no flat memory to read
      expect(out).toContain('@@READ inside=0 outside=0@@');
    });

    it.each(hostile)('stops %s with its fault code', (name, end) => {
      expect(caseOf(output(), name).end).toMatch(end);
    });

    it('lets no output through once exit() was caught by pcall', () => {
      expect(caseOf(output(), 'pcall-exit').output).toBe('');
    });

    it('refuses an unknown sensor name with the TS engine message', () => {
      let message = '';
      try {
        abiNumber(SENSOR_TYPES, 'bogus', 'sensor');
      } catch (error) {
        message = (error as Error).message;
      }
      expect(message).not.toBe('');
      const end = caseOf(output(), 'unknown-sensor').end;
      expect(end).toBe(`fault=guest_error ${message.slice(0, FAULT_MESSAGE_CHARS)}`);
    });

    it.each([
      ['sandbox', 'nil\tnil\tnil\tnil\tnil\tnil\tnil\n', 'exit=0'],
      ['sleep', 'slept\n', 'exit=7'],
      ['slices', '4500001500000\n', 'exit=0'],
    ])('runs %s through the device API', (name, text, end) => {
      const result = caseOf(output(), name);
      expect(result.output).toBe(text);
      expect(result.end).toBe(end);
    });

    it('ends C recursion by Lua limit well inside the VM thread stack', () => {
      const stacks = [...output().matchAll(/@@STACK (\S+) used=(\d+) of=(\d+)@@/g)];
      expect(stacks.map((m) => m[1])).toEqual(
        hostile.map(([name]) => name).filter((name) => name.startsWith('deep-')),
      );
      for (const [, , used, of] of stacks) {
        expect(Number(used)).toBeGreaterThan(0);
        expect(Number(used)).toBeLessThan(Number(of) * 0.85);
      }
    });

    it.each([
      ['syntax-error', 'syntax_error: Lua syntax error: guest:3: unexpected symbol near'],
      ['bad-utf8', 'bad_utf8: '],
      ['empty', 'bad_source: empty Lua source'],
      ['over-ram', 'bad_limits: '],
      ['small-ram', 'does_not_fit: the Lua runtime'],
      ['tight-ram', 'does_not_fit: compiling the program'],
    ])('refuses %s with %s', (name, reason) => {
      expect(output()).toContain(`@@REFUSED ${name} ${reason}`);
      expect(output()).not.toContain(`@@LOADED ${name} `);
    });

    it('steps exactly n Lua instructions and inspects the line', () => {
      // kind 0 = VM_RUN_BUDGET, state 2 = VM_STATE_RUNNING (vm.h)
      expect(output()).toMatch(/@@INSPECT kind=0 state=2 pc=3 instructions=50 line=3 depth=1 /);
    });

    it('reset() runs the program again in a fresh state', () => {
      const reset = caseOf(output(), 'reset');
      expect(reset.output).toBe('run\t1\n[state after reset 1]\nrun\t1\n');
      expect(reset.end).toBe('exit=0');
    });

    it('runs a program again after all the hostile ones', () => {
      const again = caseOf(output(), 'fibonacci-again');
      expect(again.output).toBe(readFileSync(join(EXPECTED, 'fibonacci.txt'), 'utf8'));
      expect(again.end).toBe('exit=0');
    });

    it('reports memory within the grant and the compile as the load time', () => {
      const out = output();
      const lines = [...out.matchAll(/@@MEMORY (\S+) guest=(\d+) peak=(\d+) engine=(\d+)/g)];
      expect(lines.length).toBeGreaterThan(13);
      for (const [, , guest, peak, engine] of lines) {
        expect(Number(peak)).toBeGreaterThan(0);
        expect(Number(peak)).toBeLessThanOrEqual(Number(guest));
        expect(Number(engine)).toBeGreaterThan(0);
      }
      const tarfind = /@@LOADED tarfind us=(\d+) bytes=(\d+) guest=(\d+)@@/.exec(out);
      expect(tarfind).not.toBeNull();
      expect(Number(tarfind![1])).toBeGreaterThan(0);
      expect(Number(tarfind![2])).toBe(
        readFileSync(join(REPO_ROOT, 'firmware', 'lua', 'bench', 'tarfind.lua')).length,
      );
    });
  },
});
