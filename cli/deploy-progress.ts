import { MultiBar, Presets, type SingleBar } from 'cli-progress';
import type { Deployment } from '../src/protocol/api';
import type { CliIo } from './output';
import { describeCounts, finishedDevices, STATE_ORDER } from './views/deployment-views';

/** Shows a deployment's progress while `--wait` polls it. */
export interface DeployProgress {
  update(d: Deployment): void;
  stop(): void;
}

/**
 * On a terminal: one live bar per state (devices in it / all devices). Elsewhere (logs,
 * pipes): one line each time the counts change, so a CI log shows the rollout's course.
 */
export function createDeployProgress(io: CliIo, json: boolean, now: () => number): DeployProgress {
  if (json) return { update() {}, stop() {} };
  if (io.stdoutIsTTY && io.progressStream) return terminalBars(io.progressStream);
  const started = now();
  let last = '';
  return {
    update(d) {
      const line = `${d.status}, wave ${d.currentWave + 1}/${d.waveCount}: ${describeCounts(d.counts)}`;
      if (line === last) return;
      last = line;
      const seconds = ((now() - started) / 1000).toFixed(1);
      io.stderr(`[${seconds}s] ${finishedDevices(d)}/${d.devices} done; ${line}\n`);
    },
    stop() {},
  };
}

function terminalBars(stream: NodeJS.WritableStream): DeployProgress {
  const multi = new MultiBar(
    {
      stream,
      format: '{state} [{bar}] {value}/{total}',
      hideCursor: true,
      clearOnComplete: false,
    },
    Presets.shades_classic,
  );
  const bars = new Map<string, SingleBar>();
  return {
    update(d) {
      for (const state of STATE_ORDER) {
        const count = d.counts[state] ?? 0;
        let bar = bars.get(state);
        if (!bar && count === 0) continue;
        bar ??= multi.create(d.devices, 0, { state: state.padEnd(12) });
        bars.set(state, bar);
        bar.setTotal(d.devices);
        bar.update(count);
      }
    },
    stop() {
      multi.stop();
    },
  };
}
