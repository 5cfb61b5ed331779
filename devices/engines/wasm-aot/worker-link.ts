import { MessageChannel, type MessagePort, Worker } from 'node:worker_threads';
import { COMMAND, CONTROL, STOP, TRAP_CODES } from './protocol';
import { WORKER_SOURCE } from './worker';

/** What the main thread waits for the worker at most: far beyond any slice between two fuel checks. */
const WORKER_TIMEOUT_MS = 60_000;

/**
 * One guest worker and the control block it shares with the main thread (protocol.ts).
 * Starting a worker thread is most of a cold load (150–350 ms measured), so started
 * workers wait in a small pool: take() hands one out (starting a spare in the background
 * when it took the last), release() takes a disposed engine's worker back. Workers and
 * their ports are unref'd: an idle one never keeps the process up.
 */
export class WorkerLink {
  private static readonly idle: WorkerLink[] = [];
  /** Idle workers kept at most; more are ended. */
  private static readonly POOL_SIZE = 2;

  readonly control = new SharedArrayBuffer(CONTROL.bytes);
  readonly ctl = new Int32Array(this.control);
  readonly f64 = new Float64Array(this.control);
  private worker: Worker | null;
  private port: MessagePort | null;

  private constructor() {
    const channel = new MessageChannel();
    this.worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { control: this.control, port: channel.port2 },
      transferList: [channel.port2],
      resourceLimits: { stackSizeMb: 8 },
    });
    this.worker.unref();
    channel.port1.unref();
    this.port = channel.port1;
  }

  /** A started worker from the pool, or a new one; a spare is started when the pool ran dry. */
  static take(): WorkerLink {
    const link = WorkerLink.idle.pop() ?? new WorkerLink();
    if (WorkerLink.idle.length === 0) WorkerLink.idle.push(new WorkerLink());
    return link;
  }

  /**
   * Back to the pool, the guest's module and memory dropped (a guest suspended mid-run is
   * unwound first), or ended when the pool is full or the worker does not answer.
   */
  static release(link: WorkerLink): void {
    if (!link.alive) return;
    if (WorkerLink.idle.length >= WorkerLink.POOL_SIZE) return link.end();
    link.post({ drop: true });
    if (link.exchange(COMMAND.load) === STOP.ready) WorkerLink.idle.push(link);
    else link.end();
  }

  get alive(): boolean {
    return this.worker !== null;
  }

  post(message: unknown): void {
    if (this.port === null) throw new Error('wasm-aot: the guest worker has ended');
    this.port.postMessage(message);
  }

  /** Hands the worker a command and waits for its stop; a worker that never answers is ended. */
  exchange(command: number): number {
    const ctl = this.ctl;
    if (this.worker === null) throw new Error('wasm-aot: the guest worker has ended');
    ctl[CONTROL.command] = command;
    Atomics.store(ctl, CONTROL.toMain, 0);
    Atomics.store(ctl, CONTROL.toWorker, 1);
    Atomics.notify(ctl, CONTROL.toWorker);
    const deadline = Date.now() + WORKER_TIMEOUT_MS;
    while (Atomics.load(ctl, CONTROL.toMain) === 0) {
      const left = deadline - Date.now();
      if (left <= 0 || Atomics.wait(ctl, CONTROL.toMain, 0, left) === 'timed-out') {
        if (Atomics.load(ctl, CONTROL.toMain) !== 0) break;
        this.end();
        this.f64[CONTROL.spentSlot] = 0;
        ctl[CONTROL.value] = TRAP_CODES.indexOf('stack_exhausted');
        ctl[CONTROL.args] = -1;
        ctl[CONTROL.args + 2] = 0;
        this.writeMessage(`the compiled guest did not answer within ${WORKER_TIMEOUT_MS} ms`);
        return STOP.trap;
      }
    }
    return ctl[CONTROL.stop];
  }

  trapMessage(): string {
    const bytes = new Uint8Array(this.control, CONTROL.messageByte, CONTROL.messageBytes).slice();
    const nul = bytes.indexOf(0);
    return new TextDecoder().decode(bytes.subarray(0, nul < 0 ? bytes.length : nul));
  }

  end(): void {
    const worker = this.worker;
    this.worker = null;
    this.port?.close();
    this.port = null;
    if (worker !== null) void worker.terminate();
  }

  private writeMessage(text: string): void {
    const area = new Uint8Array(this.control, CONTROL.messageByte, CONTROL.messageBytes);
    area.fill(0);
    area.set(new TextEncoder().encode(text).subarray(0, CONTROL.messageBytes - 1));
  }
}
