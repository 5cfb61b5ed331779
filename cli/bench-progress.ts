import { Presets, SingleBar } from 'cli-progress';
import type { Campaign } from '../src/protocol/api';
import type { CliIo } from './output';
import { describeRunCounts } from './views/benchmark-views';

/** Shows a campaign's progress while `bench run --wait` polls it. */
export interface BenchProgress {
  update(c: Campaign): void;
  stop(): void;
}

/**
 * On a terminal: one live bar of runs recorded / planned, with the counts per status
 * beside it. Elsewhere (logs, pipes): one line each time the counts change, so a CI log
 * shows the campaign's course.
 */
export function createBenchProgress(io: CliIo, json: boolean, now: () => number): BenchProgress {
  if (json) return { update() {}, stop() {} };
  if (io.stdoutIsTTY && io.progressStream) return terminalBar(io.progressStream);
  const started = now();
  let last = '';
  return {
    update(c) {
      const line = `${c.recordedRuns}/${c.plannedRuns} runs; ${c.status}: ${describeRunCounts(c.counts)}`;
      if (line === last) return;
      last = line;
      const seconds = ((now() - started) / 1000).toFixed(1);
      io.stderr(`[${seconds}s] ${line}\n`);
    },
    stop() {},
  };
}

function terminalBar(stream: NodeJS.WritableStream): BenchProgress {
  const bar = new SingleBar(
    {
      stream,
      format: 'runs [{bar}] {value}/{total} {counts}',
      hideCursor: true,
      clearOnComplete: false,
    },
    Presets.shades_classic,
  );
  let started = false;
  return {
    update(c) {
      const payload = { counts: describeRunCounts(c.counts) };
      if (!started) bar.start(c.plannedRuns, c.recordedRuns, payload);
      started = true;
      bar.setTotal(c.plannedRuns);
      bar.update(c.recordedRuns, payload);
    },
    stop() {
      if (started) bar.stop();
    },
  };
}
