import type { VmKind } from '../../src/protocol';
import {
  createEngine,
  enginePrepared,
  EngineUnavailableError,
  POOLED_ENGINES,
  prepareEngines,
} from '../engines';
import type { Engine, EngineLimits, GuestHost } from '../engines/engine';
import type { EngineCreator } from './monitor-types';
import { errorMessage, MonitorError } from './monitor-errors';

/**
 * Makes the device's engines. A script VM's runtime loads asynchronously, once per process
 * (prepare()); MicroPython even hands every engine its own interpreter from a pool that
 * refills in the background. An OTA install is synchronous, so for those kinds the supply
 * keeps one engine made ahead, and makes the next one as soon as it is taken.
 */
export class EngineSupply {
  private spare: Engine | null = null;
  private closed = false;

  constructor(
    private readonly vm: VmKind,
    private readonly limits: EngineLimits,
    private readonly host: GuestHost,
    private readonly factory: EngineCreator = createEngine,
    private readonly board = 'this board',
  ) {}

  private get pooled(): boolean {
    return POOLED_ENGINES.includes(this.vm);
  }

  /** Whether take() can answer now without waiting for a runtime. */
  get ready(): boolean {
    return this.spare !== null || enginePrepared(this.vm);
  }

  /** Loads the runtime (and makes the spare engine) before the device needs them. */
  async prepare(): Promise<void> {
    this.closed = false;
    await prepareEngines([this.vm]);
    // Devices starting together drain the pool; each waits for its refill (a board that
    // cannot host the VM fails every time: take() reports why).
    for (let tries = 0; this.pooled && !this.spare && !this.closed && tries < 8; tries++) {
      this.spare = this.tryCreate();
      if (!this.spare) await prepareEngines([this.vm]);
    }
  }

  /** A new engine; refusals are MonitorErrors (`unsupported`). */
  take(): Engine {
    const spare = this.spare;
    this.spare = null;
    if (!spare) return this.create();
    this.replenish();
    return spare;
  }

  /** The device stops: the spare goes. */
  close(): void {
    this.closed = true;
    this.spare?.dispose?.();
    this.spare = null;
  }

  private replenish(): void {
    if (enginePrepared(this.vm)) {
      this.spare = this.tryCreate();
      return;
    }
    void this.prepare().catch(() => undefined);
  }

  private tryCreate(): Engine | null {
    try {
      return this.factory(this.vm, this.limits, this.host);
    } catch {
      return null; // take() will create one and report why it cannot
    }
  }

  private create(): Engine {
    try {
      return this.factory(this.vm, this.limits, this.host);
    } catch (error) {
      if (error instanceof EngineUnavailableError) {
        throw new MonitorError('unsupported', error.message);
      }
      const { memoryBytes } = this.limits;
      const reason = `${this.board} (${memoryBytes} bytes for a guest) cannot host a ${this.vm} VM`;
      throw new MonitorError('unsupported', `${reason}: ${errorMessage(error)}`);
    }
  }
}
