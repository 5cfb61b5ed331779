import type { VmKind } from './vm';

/** Benchmark suites and their programs, in report order (firmware/README.md). */
export const BENCH_SUITES = ['coisa', 'embench'] as const;
export type BenchSuite = (typeof BENCH_SUITES)[number];

export const SUITE_PROGRAMS: Readonly<Record<BenchSuite, readonly string[]>> = {
  coisa: ['ackermann', 'array', 'fibonacci', 'heapsort', 'lists', 'matrix', 'random', 'sieve'],
  embench: ['crc32', 'md5sum', 'tarfind', 'ud', 'xgboost'],
};

/**
 * The compiler profiles the C images are built with (firmware/Makefile PROFILE): -O2 is
 * the default, -Os the code-size profile (the COISA paper's table). Script VMs run the
 * same source in both; the native baseline is always gcc -O2.
 */
export const BUILD_PROFILES = ['O2', 'Os'] as const;
export type BuildProfile = (typeof BUILD_PROFILES)[number];
export const DEFAULT_BUILD_PROFILE: BuildProfile = 'O2';

/** The host-compiled baseline every VM's execution time is divided by. */
export const NATIVE_VM = 'native';
export type BenchVm = VmKind | typeof NATIVE_VM;

/** Column order of every table and chart; VMs not listed follow, alphabetically. */
export const BENCH_VM_ORDER: readonly BenchVm[] = [
  NATIVE_VM,
  'mips1',
  'mips1-jit',
  'ebpf',
  'ebpf-jit',
  'wasm',
  'wasm-fast',
  'wasm-aot',
  'lua',
  'micropython',
  'js',
];

/** A row of a report: a program and the suite it belongs to. */
export interface ProgramRef {
  suite: BenchSuite;
  program: string;
}

/** Every program of the given suites, in report order. */
export function suitePrograms(suites: readonly BenchSuite[] = BENCH_SUITES): ProgramRef[] {
  return orderPrograms(
    suites.flatMap((suite) => SUITE_PROGRAMS[suite].map((program) => ({ suite, program }))),
  );
}

/** Distinct VMs in column order. */
export function orderVms(vms: Iterable<string>): string[] {
  return [...new Set(vms)].sort(compareVms);
}

/** Distinct programs (first suite seen wins) in row order: by suite, then suite order. */
export function orderPrograms(refs: Iterable<ProgramRef>): ProgramRef[] {
  const byName = new Map<string, ProgramRef>();
  for (const { suite, program } of refs) {
    if (!byName.has(program)) byName.set(program, { suite, program });
  }
  return [...byName.values()].sort(comparePrograms);
}

function compareVms(a: string, b: string): number {
  return rank(BENCH_VM_ORDER, a) - rank(BENCH_VM_ORDER, b) || a.localeCompare(b);
}

function comparePrograms(a: ProgramRef, b: ProgramRef): number {
  return (
    rank(BENCH_SUITES, a.suite) - rank(BENCH_SUITES, b.suite) ||
    a.suite.localeCompare(b.suite) ||
    rank(SUITE_PROGRAMS[a.suite] ?? [], a.program) -
      rank(SUITE_PROGRAMS[b.suite] ?? [], b.program) ||
    a.program.localeCompare(b.program)
  );
}

/** Position in `order`; names not in it sort after every listed one. */
function rank(order: readonly string[], name: string): number {
  const index = order.indexOf(name);
  return index < 0 ? order.length : index;
}
