import { Command, InvalidArgumentError } from 'commander';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runMips1 } from './mips1-guest';
import { prepareNative, timeSpawn, type NativeSetup } from './native';
import { report, type Samples } from './vm-report';

/** firmware/ of this checkout, from bench/ (ts-node) or dist/bench/ (built). */
function findFirmware(): string {
  for (let dir = __dirname; dir !== path.dirname(dir); dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'firmware');
    if (fs.existsSync(path.join(candidate, 'Makefile'))) return candidate;
  }
  throw new Error(`no firmware/ directory above ${__dirname}`);
}

const FIRMWARE = findFirmware();
const SETS = ['coisa', 'embench'] as const;

interface Options {
  rounds: number;
  spawns: number;
  warmup: boolean;
  filter?: string;
  json?: boolean;
}

interface Program {
  name: string;
  set: (typeof SETS)[number];
  image: Uint8Array;
  expected: string;
}

function findPrograms(filter: string | undefined): Program[] {
  return SETS.flatMap((set) =>
    fs
      .readdirSync(path.join(FIRMWARE, 'bench', set))
      .filter((f) => f.endsWith('.c'))
      .map((f) => f.slice(0, -2))
      .filter((name) => !filter || name.includes(filter))
      .sort()
      .map((name) => ({
        name,
        set,
        image: new Uint8Array(fs.readFileSync(path.join(FIRMWARE, 'build', 'mips1', `${name}.m1`))),
        expected: fs.readFileSync(path.join(FIRMWARE, 'expected', `${name}.txt`), 'utf8'),
      })),
  );
}

function mips1Round(p: Program, s: Samples): void {
  const run = runMips1(p.image);
  if (run.end.kind !== 'exited' || run.end.code !== 0 || !run.output.endsWith('check: ok\n')) {
    const tail = run.output.trimEnd().split('\n').slice(-3).join(' | ');
    throw new Error(`${p.name} on mips1 ended ${JSON.stringify(run.end)}; output ends: ${tail}`);
  }
  if (run.output !== p.expected)
    throw new Error(`${p.name} on mips1 printed something other than expected/${p.name}.txt`);
  if (s.instructions && s.instructions !== run.instructions)
    throw new Error(`${p.name}: ${run.instructions} instructions, earlier ${s.instructions}`);
  s.imageBytes = run.imageBytes;
  s.instructions = run.instructions;
  s.peakGuestBytes = Math.max(s.peakGuestBytes, run.peakGuestBytes);
  s.loadMs.push(run.loadMs);
  s.execMs.push(run.execMs);
}

/**
 * One native round: `spawns` spawn-to-exit runs of the program interleaved with as many of
 * the empty program, keeping the fastest of each. Both are a few ms of which process start
 * is most; the minimum is the run the machine disturbed least.
 */
function nativeRound(
  p: Program,
  s: Samples,
  native: NativeSetup & { available: true },
  spawns: number,
): void {
  let best = Infinity;
  let bestEmpty = Infinity;
  for (let i = 0; i < spawns; i++) {
    const run = timeSpawn(native.binaryOf(p.name));
    if (run.status !== 0 || run.stdout !== p.expected)
      throw new Error(
        `native ${p.name} exited ${run.status} or differs from expected/${p.name}.txt`,
      );
    const empty = timeSpawn(native.emptyBinary);
    if (empty.status !== 0) throw new Error(`the empty program exited ${empty.status}`);
    best = Math.min(best, run.ms);
    bestEmpty = Math.min(bestEmpty, empty.ms);
  }
  s.nativeMs.push(best);
  s.emptyMs.push(bestEmpty);
}

function measure(p: Program, o: Options, native: NativeSetup): Samples {
  const s: Samples = {
    name: p.name,
    set: p.set,
    imageBytes: 0,
    instructions: 0,
    peakGuestBytes: 0,
    loadMs: [],
    execMs: [],
    nativeMs: [],
    emptyMs: [],
  };
  // Untimed, so V8 has compiled the interpreter's hot paths before the first timed round.
  if (o.warmup) runMips1(p.image);
  for (let r = 0; r < o.rounds; r++) {
    // Alternate sides so drift on a shared machine hits both alike.
    mips1Round(p, s);
    if (native.available) nativeRound(p, s, native, o.spawns);
  }
  const list = (xs: number[]) => xs.map((x) => x.toFixed(2)).join(' ');
  const nativeText = native.available
    ? ` | native ${list(s.nativeMs)} | empty ${list(s.emptyMs)}`
    : '';
  console.log(`  ${p.name.padEnd(10)} mips1 exec ${list(s.execMs)}${nativeText} ms`);
  return s;
}

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('expected an integer >= 1');
  return n;
}

function main(): void {
  const o = new Command('bench:vm')
    .description(
      'Benchmark programs on the mips1 engine (in-process) beside the same C built with gcc -O2',
    )
    .option('--rounds <n>', 'rounds per side (the median is reported)', positiveInt, 5)
    .option(
      '--spawns <n>',
      'native: spawns of the program and of the empty program per round, fastest kept',
      positiveInt,
      10,
    )
    .option('--no-warmup', 'skip the untimed mips1 run of each program before its rounds')
    .option('--filter <substring>', 'only programs whose name contains this')
    .option('--json', 'print the table as JSON too')
    .parse()
    .opts<Options>();
  const programs = findPrograms(o.filter);
  if (!programs.length) throw new Error(`no benchmark program matches "${o.filter}"`);
  const native = prepareNative(
    FIRMWARE,
    programs.map((p) => p.name),
  );
  console.log(
    `bench:vm  ${programs.length} programs, ${o.rounds} rounds per side, ` +
      `${o.spawns} native spawns per round, ${os.cpus().length} cores`,
  );
  if (!native.available) console.log(`native side skipped: ${native.reason}`);
  try {
    report(
      programs.map((p) => measure(p, o, native)),
      o.rounds,
      o.json ?? false,
    );
  } finally {
    if (native.available) native.cleanup();
  }
}

try {
  main();
} catch (err) {
  console.error(`bench:vm failed: ${(err as Error).message}`);
  process.exit(1);
}
