import * as fs from 'node:fs';
import { Session } from 'node:inspector/promises';
import * as path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';

export interface Stalls {
  /** The longest the gateway's event loop was blocked, ms. */
  maxMs: number;
  p99Ms: number;
}

/**
 * Watches the event loop of this thread (where the bench runs the gateway) while `run`
 * runs: the longest delay of a 10 ms timer is the longest time nothing else, an HTTP
 * request included, could be served.
 */
export async function watchStalls<T>(
  run: () => Promise<T>,
): Promise<{ result: T; stalls: Stalls }> {
  const histogram = monitorEventLoopDelay({ resolution: 10 });
  histogram.enable();
  try {
    const result = await run();
    histogram.disable();
    return {
      result,
      stalls: { maxMs: histogram.max / 1e6, p99Ms: histogram.percentile(99) / 1e6 },
    };
  } finally {
    histogram.disable();
  }
}

export interface PollLog {
  /** Latency of every poll that answered, ms. */
  latenciesMs: number[];
  /** Every poll that did not answer (reset socket, error status), in order. */
  failures: string[];
}

/**
 * Calls `poll` every `intervalMs` until it returns a value: each call is timed, and one
 * that throws is recorded as a failure (the REST API did not answer) and polling goes on.
 * Gives up at `timeoutMs`.
 */
export async function pollUntil<T>(
  poll: () => Promise<T | undefined>,
  intervalMs: number,
  timeoutMs: number,
): Promise<{ value: T; log: PollLog }> {
  const log: PollLog = { latenciesMs: [], failures: [] };
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const started = performance.now();
    try {
      const value = await poll();
      log.latenciesMs.push(performance.now() - started);
      if (value !== undefined) return { value, log };
    } catch (err) {
      const cause = (err as Error & { cause?: { code?: string } }).cause?.code;
      log.failures.push(`${(err as Error).message}${cause ? ` (${cause})` : ''}`);
    }
    if (Date.now() > deadline) {
      throw new Error(`no result after ${timeoutMs} ms; ${log.failures.length} polls failed`);
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/**
 * A CPU profile of this thread (the gateway's) while `run` runs, written to `dir` as
 * `<name>.cpuprofile` (open in Chrome DevTools); without `dir` it only runs.
 */
export async function profiled<T>(
  dir: string | undefined,
  name: string,
  run: () => Promise<T>,
): Promise<T> {
  if (!dir) return run();
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  try {
    return await run();
  } finally {
    const { profile } = await session.post('Profiler.stop');
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, `${name}.cpuprofile`), JSON.stringify(profile));
    session.disconnect();
  }
}
