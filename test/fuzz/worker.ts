import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import fc from 'fast-check';
import { judge } from './harness';
import { targetNamed } from './targets';

/** What the runner hands a worker: one target, how many inputs, from which seed. */
export interface WorkerJob {
  target: string;
  runs: number;
  seed: number;
  boundMs: number;
  /** Shared with the runner: [0] inputs started; bytes from 8 on: the input being run. */
  progress: SharedArrayBuffer;
}

export type WorkerReport =
  | { kind: 'ready' }
  | { kind: 'finding'; verdict: 'crash' | 'slow' | 'open'; input: Uint8Array; detail: string }
  | { kind: 'done'; accepted: number; refused: number; ms: number };

/** Inputs generated per batch: fc.sample keeps a batch in memory, not the whole run. */
const BATCH = 1000;
export const INPUT_OFFSET = 8;

async function main(job: WorkerJob): Promise<void> {
  const target = targetNamed(job.target);
  const post = (r: WorkerReport) => parentPort?.postMessage(r);
  await target.warmUp?.();
  post({ kind: 'ready' });
  const counter = new Int32Array(job.progress, 0, 2);
  const current = new Uint8Array(job.progress, INPUT_OFFSET);
  const arbitrary = target.inputs();
  let accepted = 0;
  let refused = 0;
  const started = performance.now();
  for (let done = 0; done < job.runs;) {
    const n = Math.min(BATCH, job.runs - done);
    const batch = fc.sample(arbitrary, { numRuns: n, seed: job.seed + done });
    for (const input of batch) {
      // The runner reads the input back from here if this one never returns (a hang).
      const size = Math.min(input.length, current.length);
      current.set(input.subarray(0, size));
      Atomics.store(counter, 1, size);
      Atomics.add(counter, 0, 1);
      const verdict = await judge(target, input, job.boundMs);
      if (verdict.kind === 'ok') {
        if (verdict.outcome === 'accepted') accepted++;
        else refused++;
      } else {
        const detail =
          verdict.kind === 'slow'
            ? `took ${verdict.ms.toFixed(0)} ms`
            : verdict.kind === 'open'
              ? `${verdict.id}: ${verdict.error}`
              : verdict.error;
        post({ kind: 'finding', verdict: verdict.kind, input, detail });
      }
    }
    done += n;
  }
  post({ kind: 'done', accepted, refused, ms: performance.now() - started });
}

// run.ts imports this file for its types and constants: only a worker runs the loop.
if (!isMainThread) {
  main(workerData as WorkerJob).catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
