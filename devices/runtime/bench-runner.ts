import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { BenchResult, VmKind } from '../../src/protocol';
import type { BoardProfile } from '../boards';
import { runGuest } from './guest-bench';
import { nativeTimerPreload, TIMER_LINE } from './native-timer';
import { guestMemoryBytes } from './local-run';
import { MonitorError } from './monitor-errors';

const MAX_OUTPUT = 4096;
/** Native runs longer than this are stopped: the slowest benchmark takes milliseconds. */
const NATIVE_TIMEOUT_MS = 60_000;

/** The program's self-check: the last `check:` line it printed. */
export function selfCheck(output: string): BenchResult['check'] {
  const lines = output.split('\n').filter((l) => l.startsWith('check:'));
  if (lines.length === 0) return 'absent';
  return lines[lines.length - 1].trim() === 'check: ok' ? 'ok' : 'fail';
}

/** Flash an app occupies: whole erase pages of the board. */
export function flashFootprint(imageBytes: number, board: BoardProfile): number {
  const page = board.flashPageBytes;
  return Math.ceil(imageBytes / page) * page;
}

/**
 * One benchmark run of an installed app, on a fresh engine with the board's guest memory:
 * load timed (parse, validate, pre-decode or compile), then run to its end. The device's
 * own program is not touched.
 */
export function benchApp(
  vm: VmKind,
  engineVersion: string,
  image: Uint8Array,
  program: string,
  board: BoardProfile,
  instructionCap?: number,
): BenchResult {
  let run;
  try {
    run = runGuest(vm, image, guestMemoryBytes(board), instructionCap);
  } catch (error) {
    throw new MonitorError('image_rejected', (error as Error).message);
  }
  const end = run.end;
  const fault = end.kind === 'fault' ? `${end.fault.code}: ${end.fault.message}` : null;
  return {
    vm,
    engineVersion,
    board: board.name,
    program,
    loadMs: run.loadMs,
    execMs: run.execMs,
    instructions: run.instructions,
    ramBytes: run.peakGuestBytes + run.engineBytes,
    codeBytes: run.imageBytes,
    flashBytes: flashFootprint(run.imageBytes, board),
    end: end.kind === 'exited' ? 'exit' : end.kind === 'fault' ? 'fault' : 'budget',
    exitCode: end.kind === 'exited' ? end.code : null,
    fault,
    check: selfCheck(run.output),
    output: run.output.slice(0, MAX_OUTPUT),
  };
}

/**
 * The native baseline: the host build of a benchmark (`make -C firmware native`), spawned
 * with a preloaded timer that measures main() to exit (bench/native.ts does the same);
 * without gcc for the preload, from spawn to exit, process start included.
 */
export async function benchNative(
  name: string,
  dir: string | undefined,
  board: BoardProfile,
): Promise<BenchResult> {
  const binary = dir ? path.join(dir, name) : '';
  if (!dir || !fs.existsSync(binary)) {
    throw new MonitorError(
      'unsupported',
      `no native build of ${name} on this device (make -C firmware native; needs gcc)`,
    );
  }
  const codeBytes = fs.statSync(binary).size;
  const timer = nativeTimerPreload();
  const env = timer ? { ...process.env, LD_PRELOAD: timer } : process.env;
  const started = performance.now();
  const { code, output, stderr } = await new Promise<{
    code: number | null;
    output: string;
    stderr: string;
  }>((resolve, reject) => {
    const child = spawn(binary, [], { stdio: ['ignore', 'pipe', 'pipe'], env });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => {
      if (out.length < MAX_OUTPUT) out += chunk.toString('utf8');
    });
    child.stderr.on('data', (chunk: Buffer) => {
      if (err.length < MAX_OUTPUT) err += chunk.toString('utf8');
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), NATIVE_TIMEOUT_MS);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (exitCode) => {
      clearTimeout(timer);
      resolve({ code: exitCode, output: out, stderr: err });
    });
  });
  const wallMs = performance.now() - started;
  // main() to exit by the preload's clock; without it, spawn to exit (about 1 ms more).
  const ns = TIMER_LINE.exec(stderr)?.[1];
  const execMs = ns === undefined ? wallMs : Number(ns) / 1e6;
  return {
    vm: 'native',
    engineVersion: `host ${process.arch}${ns === undefined ? ', spawn-to-exit' : ''}`,
    board: board.name,
    program: name,
    loadMs: 0,
    execMs,
    instructions: null,
    // A host process's RAM (libc, loader) says nothing about a board's: not measured.
    ramBytes: null,
    codeBytes,
    flashBytes: flashFootprint(codeBytes, board),
    end: code === null ? 'budget' : 'exit',
    exitCode: code,
    fault: null,
    check: selfCheck(output),
    output: output.slice(0, MAX_OUTPUT),
  };
}

/** firmware/build/native of this checkout, looked up from here (ts-node or dist/). */
export function defaultNativeDir(): string | undefined {
  for (let dir = __dirname; dir !== path.dirname(dir); dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'firmware', 'build', 'native');
    if (fs.existsSync(path.join(dir, 'firmware', 'Makefile'))) return candidate;
  }
  return undefined;
}
