import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/**
 * Preloaded into each native run: times the program from before main() to exit() on
 * CLOCK_MONOTONIC, so process creation and dynamic linking (a few ms of wall time that
 * jitter by about as much as the programs take) stay out of the native figure.
 */
export const TIMER_C = `#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>
static struct timespec start;
static void report(void) {
  struct timespec end;
  clock_gettime(CLOCK_MONOTONIC, &end);
  long long ns = (end.tv_sec - start.tv_sec) * 1000000000LL + (end.tv_nsec - start.tv_nsec);
  char line[64];
  int n = snprintf(line, sizeof line, "\\nvmfleet-bench-ns %lld\\n", ns);
  if (write(2, line, n) < 0) _exit(3);
}
__attribute__((constructor)) static void begin(void) {
  atexit(report);
  clock_gettime(CLOCK_MONOTONIC, &start);
}
`;
export const TIMER_LINE = /vmfleet-bench-ns (\d+)/;

/** Compiles C from stdin with gcc -O2; throws with gcc's message. */
export function gcc(args: string[], source: string, what: string): void {
  const result = spawnSync('gcc', ['-O2', ...args, '-x', 'c', '-'], {
    input: source,
    encoding: 'utf8',
  });
  if (result.status !== 0) throw new Error(`gcc could not build ${what}:\n${result.stderr}`);
}

let preload: string | null | undefined;

/**
 * The timer preload, built once per process into a temporary directory; null without gcc
 * (native runs are then timed from spawn to exit).
 */
export function nativeTimerPreload(): string | null {
  if (preload !== undefined) return preload;
  try {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vmfleet-native-timer-'));
    const file = path.join(dir, 'timer.so');
    gcc(['-shared', '-fPIC', '-o', file], TIMER_C, 'the timer preload');
    preload = file;
  } catch {
    preload = null;
  }
  return preload;
}
