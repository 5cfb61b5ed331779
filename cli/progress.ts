import { Presets, SingleBar } from 'cli-progress';
import type { CliIo } from './output';

/** A labelled progress bar; a no-op when output is JSON or not a terminal. */
export interface Progress {
  start(label: string, total: number): void;
  update(done: number, total: number): void;
  stop(): void;
}

const silent: Progress = { start() {}, update() {}, stop() {} };

export function createProgress(io: CliIo, json: boolean): Progress {
  if (json || !io.stdoutIsTTY || !io.progressStream) return silent;
  const bar = new SingleBar(
    {
      stream: io.progressStream,
      format: '{label} [{bar}] {value}/{total}',
      hideCursor: true,
      clearOnComplete: false,
    },
    Presets.shades_classic,
  );
  let running = false;
  return {
    start(label, total) {
      if (running) bar.stop();
      bar.start(total, 0, { label: label.padEnd(12) });
      running = true;
    },
    update(done, total) {
      if (!running) return;
      bar.setTotal(total);
      bar.update(done);
    },
    stop() {
      if (running) bar.stop();
      running = false;
    },
  };
}
