import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { makeRiotApp, REPO_ROOT, riotKit } from './support/riot-native';
import { requireThat, requireTool } from './support/system-tools';

/**
 * RIOT native64 loses a preempted thread's SSE/AVX registers and the red zone below its
 * stack pointer (RIOT issue #495); firmware/riot/native_fpu fixes it for every RIOT app of
 * ours. firmware/riot/tests/native-fpu checks doubles kept in registers, memcpy of 64 KiB
 * and a leaf's red-zone locals while a timer preempts it: built with the fix it must find
 * no error, and built without it, it must find some (the probe can see the bug).
 */
const APP = join(REPO_ROOT, 'firmware', 'riot', 'tests', 'native-fpu');
const BUILD_TIMEOUT_MS = 10 * 60 * 1000;

interface Probe {
  iterations: number;
  ticks: number;
  wakeups: number;
  float_errors: number;
  copy_errors: number;
  redzone_errors: number;
}

function probe(fix: 0 | 1): Probe {
  makeRiotApp(APP, { BOARD: 'native64', NATIVE_FPU_FIX: String(fix) }, BUILD_TIMEOUT_MS);
  const elf = join(APP, 'bin', `fix${fix}`, 'native64', 'native_fpu_test.elf');
  const run = spawnSync(elf, [], { cwd: APP, encoding: 'utf8', timeout: 60_000 });
  const line = /@@FPU ([^@]*)@@/.exec(run.stdout ?? '');
  if (!line)
    throw new Error(
      `${elf} printed no @@FPU line (${run.status ?? run.signal}):\n${run.stdout}${run.stderr}`,
    );
  process.stdout.write(`native-fpu fix=${fix}: ${line[1]}\n`);
  return Object.fromEntries(
    line[1].split(' ').map((kv) => [kv.split('=')[0], Number(kv.split('=')[1])]),
  ) as unknown as Probe;
}

const available =
  requireTool('make', 'make') &&
  requireTool('gcc', 'gcc') &&
  requireThat(
    riotKit() !== null,
    'no RIOT: RIOTBASE unset (or without Makefile.include) and no kit at .riot',
    '../shared/riot/install.sh .riot && . .riot/env.sh',
  );

(available ? describe : describe.skip)(
  'RIOT native64 preemption (firmware/riot/native_fpu)',
  () => {
    it(
      'keeps a preempted thread’s vector registers and red zone with the fix',
      () => {
        const fixed = probe(1);
        // the timer really preempted the worker, many times
        expect(fixed.ticks).toBeGreaterThan(100);
        expect(fixed.wakeups).toBeGreaterThan(100);
        expect({
          float: fixed.float_errors,
          copy: fixed.copy_errors,
          redzone: fixed.redzone_errors,
        }).toEqual({ float: 0, copy: 0, redzone: 0 });
      },
      BUILD_TIMEOUT_MS,
    );

    it(
      'finds the errors without it (if not, RIOT native fixed #495 and native_fpu can go)',
      () => {
        const plain = probe(0);
        expect(plain.ticks).toBeGreaterThan(100);
        expect(plain.float_errors + plain.copy_errors).toBeGreaterThan(0);
      },
      BUILD_TIMEOUT_MS,
    );
  },
);
