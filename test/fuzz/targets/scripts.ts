import * as fs from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import { stopPythonChecks } from '../../../src/guest-scripts/python-check';
import { validateSourcePayload } from '../../../src/guest-scripts/validate-source';
import { type FuzzTarget, PropertyViolation } from '../harness';
import { concat, mutationsOf, ROOT } from '../mutate';

const VMS = ['lua', 'micropython', 'js'] as const;
const DIRS: Record<(typeof VMS)[number], [string, string]> = {
  lua: ['firmware/lua', '.lua'],
  micropython: ['firmware/python', '.py'],
  js: ['firmware/js', '.js'],
};

/** Largest generated source: the interpreters are real, so inputs stay small (bounded time). */
const MAX_SOURCE = 4096;

function seeds(): Uint8Array[] {
  return VMS.flatMap((vm, i) => {
    const [dir, ext] = DIRS[vm];
    return ['apps', 'bench'].flatMap((sub) => {
      const full = path.join(ROOT, dir, sub);
      if (!fs.existsSync(full)) return [];
      return fs
        .readdirSync(full)
        .filter((f) => f.endsWith(ext))
        .sort()
        .map((f) => fs.readFileSync(path.join(full, f)))
        .filter((b) => b.length <= MAX_SOURCE * 4)
        .map((b) => concat(new Uint8Array([i]), b));
    });
  });
}

/** Brackets, quotes, keywords and escapes of the three languages: near-syntax soup. */
const TOKENS = [
  '(',
  ')',
  '[',
  ']',
  '{',
  '}',
  '"',
  "'",
  '`',
  '\\',
  '\n',
  ' ',
  ':',
  ';',
  ',',
  '.',
  '..',
  '...',
  '=',
  '==',
  '--',
  '--[[',
  ']]',
  '#',
  '/*',
  '*/',
  '//',
  '"""',
  '\t',
  'end',
  'do',
  'then',
  'if',
  'else',
  'elif',
  'def',
  'function',
  'function*',
  'local',
  'return',
  'yield',
  'await',
  'async',
  'class',
  'lambda',
  'import',
  'x',
  '1',
  '0x',
  '1e999',
  '\\u{',
  '${',
  '\uFEFF',
  '\u2028',
  '\uD800',
];

/** What a breakout runs: compiling must run nothing, so this text never reaches a reason. */
const RAN_MARKER = '__fuzz_ran__';

/** Text that closes the wrapper compileJsProgram puts around a program, runs, and reopens. */
const breakout = fc
  .tuple(
    fc.array(fc.constantFrom('}', ')', ']', '})', '})();', '}}', ';', '\n'), {
      minLength: 1,
      maxLength: 3,
    }),
    fc.constantFrom(
      `throw new Error("${RAN_MARKER}");`,
      `;throw Error("${RAN_MARKER}")`,
      `error("${RAN_MARKER}")`,
    ),
    fc.array(fc.constantFrom('(function(){', '{', '(', '[', 'function f(){', '/*', 'if x:'), {
      maxLength: 2,
    }),
  )
  .map(([close, run, open]) => close.join('') + run + open.join(''));

const soup = fc.array(fc.constantFrom(...TOKENS), { maxLength: 200 }).map((t) => t.join(''));

/** Deep nesting: parsers recurse on it (QuickJS, Lua's parser, MicroPython's). */
const nested = fc
  .tuple(
    fc.constantFrom('(', '[', '{', 'f(', '-', 'not ', '!', 'if x:\n ', '"'),
    fc.integer({ min: 1, max: 3000 }),
  )
  .map(([open, depth]) => open.repeat(depth).slice(0, MAX_SOURCE * 4));

const source = fc.oneof(
  soup,
  breakout,
  nested,
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.string({ unit: 'grapheme', maxLength: 100 }),
);

const framedSource = fc
  .tuple(fc.nat({ max: 2 }), source)
  .map(([vm, s]) => concat(new Uint8Array([vm]), new TextEncoder().encode(s)));

/**
 * Scripts (lua, micropython, js): the gateway's validateSourcePayload, which runs the real
 * compilers (wasmoon, MicroPython, QuickJS). First byte: the VM; the rest: the source.
 */
export const scriptsTarget: FuzzTarget = {
  name: 'scripts',
  covers:
    'src/guest-scripts validateSourcePayload for lua, micropython, js (UTF-8 decode + the real compilers)',
  ciRuns: 300,
  inputs: () =>
    fc.oneof(
      { arbitrary: framedSource, weight: 4 },
      { arbitrary: mutationsOf(seeds()), weight: 3 },
      { arbitrary: fc.uint8Array({ minLength: 1, maxLength: 256 }), weight: 1 },
    ),
  warmUp: async () => {
    for (const vm of VMS) await validateSourcePayload(vm, new TextEncoder().encode('x = 1\n'));
  },
  tearDown: () => stopPythonChecks(),
  check: async (input) => {
    if (input.length === 0) return 'refused';
    const vm = VMS[input[0] % VMS.length];
    const verdict = await validateSourcePayload(vm, input.subarray(1));
    if (!verdict.ok && verdict.code !== 'image_rejected') {
      throw new PropertyViolation(`${vm}: refused with code ${verdict.code}`);
    }
    if (!verdict.ok && verdict.reason.includes(RAN_MARKER)) {
      throw new PropertyViolation(`${vm}: compiling ran part of the program: ${verdict.reason}`);
    }
    return verdict.ok ? 'accepted' : 'refused';
  },
};
