import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { PythonCheckReply, PythonCheckRequest } from './python-check.worker';
import { ScriptLoadError } from './source';

/**
 * How long the gateway lets MicroPython compile one program. Every program of
 * firmware/python compiles in under 50 ms (6 ms on average). MicroPython's compiler folds constant
 * expressions at compile time (`2**2**2**2**2**2` would take forever) and takes time
 * quadratic in bracket nesting, and it cannot be interrupted: so it compiles in a thread
 * of its own, which is terminated when this runs out.
 */
export const PYTHON_CHECK_MS = 5_000;

/** A worker idle this long ends; the next check starts another (~0.2 s, ~2 s under ts-node). */
const IDLE_MS = 60_000;

interface Pending {
  resolve: () => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

/** The compiled worker beside this file; under ts-node or Jest, the .ts through ts-node. */
function startWorker(): Worker {
  const typescript = __filename.endsWith('.ts');
  const file = path.join(__dirname, `python-check.worker.${typescript ? 'ts' : 'js'}`);
  return new Worker(file, {
    execArgv: typescript ? ['-r', 'ts-node/register/transpile-only'] : [],
  });
}

/**
 * One worker thread with one MicroPython interpreter; checks run one at a time, in order.
 * A check past its deadline ends the worker (and so the compile); the next check starts a
 * fresh one. An idle worker does not keep the process alive.
 */
class PythonChecker {
  private worker?: Worker;
  private ready?: Promise<void>;
  private next = 1;
  private readonly pending = new Map<number, Pending>();
  private queue: Promise<unknown> = Promise.resolve();
  private idle?: NodeJS.Timeout;

  private outstanding = 0;

  check(source: string, deadlineMs: number): Promise<void> {
    clearTimeout(this.idle);
    this.worker?.ref();
    this.outstanding++;
    const run = this.queue.then(() => this.send(source, deadlineMs));
    this.queue = run.catch(() => undefined).finally(() => this.done());
    return run;
  }

  /** Ends the worker now; the next check starts another. */
  stop(): void {
    clearTimeout(this.idle);
    const worker = this.worker;
    this.worker = this.ready = undefined;
    void worker?.terminate();
  }

  /** After the last queued check, the worker ends when IDLE_MS pass without another. */
  private done(): void {
    if (--this.outstanding > 0) return;
    // Idle, the worker does not keep the process alive (checks in flight do).
    this.worker?.unref();
    this.idle = setTimeout(() => this.stop(), IDLE_MS).unref();
  }

  private async send(source: string, deadlineMs: number): Promise<void> {
    await this.start();
    const id = this.next++;
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        this.stop();
        reject(
          new ScriptLoadError(
            `Python program did not compile within ${deadlineMs} ms (brackets nested too ` +
              'deeply, or a constant expression too large to fold, such as 2**2**2**2**2**2)',
          ),
        );
      }, deadlineMs);
      this.pending.set(id, { resolve, reject, timer });
      this.worker!.postMessage({ id, source } satisfies PythonCheckRequest);
    });
  }

  private start(): Promise<void> {
    if (this.ready) return this.ready;
    const worker = startWorker();
    this.worker = worker;
    this.ready = new Promise<void>((resolve, reject) => {
      worker.on('message', (reply: PythonCheckReply) => {
        if (reply.id === 0) return resolve();
        const waiting = this.pending.get(reply.id);
        if (!waiting) return;
        this.pending.delete(reply.id);
        clearTimeout(waiting.timer);
        if (reply.ok) waiting.resolve();
        else waiting.reject(new ScriptLoadError(reply.message, reply.line));
      });
      worker.on('error', (error) => this.fail(worker, error, reject));
      worker.on('exit', (code) =>
        this.fail(worker, new Error(`the Python check thread exited (${code})`), reject),
      );
    });
    return this.ready;
  }

  /** The worker died on its own: its checks fail, the next one starts another. */
  private fail(worker: Worker, error: Error, reject: (error: Error) => void): void {
    if (this.worker !== worker) return;
    this.worker = this.ready = undefined;
    reject(error);
    // A compile that ends the thread (the interpreter aborting) is the source's fault.
    const ended = new ScriptLoadError(`Python program ended the compiler: ${error.message}`);
    for (const waiting of this.pending.values()) {
      clearTimeout(waiting.timer);
      waiting.reject(ended);
    }
    this.pending.clear();
  }
}

let checker: PythonChecker | undefined;

/**
 * Compiles `source` with MicroPython in a worker thread, within `deadlineMs`; a syntax
 * error or a compile past the deadline throws ScriptLoadError. The gateway's upload check.
 */
export function checkPythonProgram(source: string, deadlineMs = PYTHON_CHECK_MS): Promise<void> {
  checker ??= new PythonChecker();
  return checker.check(source, deadlineMs);
}

/** Ends the check's worker thread, if one runs (shutdown, tests); checks may follow. */
export function stopPythonChecks(): void {
  checker?.stop();
}
