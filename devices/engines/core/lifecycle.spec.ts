import type { Inspection, LoadReport, MemoryReport, RunOutcome } from '../engine';
import { BytecodeEngine } from './lifecycle';

/** A program that counts down `left` instructions, then exits with code 7. */
class CountdownEngine extends BytecodeEngine<{ left: number; ran: number }, 'budget' | 'end'> {
  readonly kind = 'wasm' as const;

  load(image: Uint8Array): LoadReport {
    this.install({ left: image.length, ran: 0 });
    return { loadTimeMs: 0, imageBytes: image.length, guestMemoryBytes: 0 };
  }

  inspect(): Inspection {
    return { state: this.state, pc: 0, registers: {}, instructions: this.instructions };
  }

  end(): void {
    this.uninstall();
  }

  protected execute(p: { left: number; ran: number }, budget: number): 'budget' | 'end' {
    p.ran = Math.min(budget, p.left);
    p.left -= p.ran;
    return p.left === 0 ? 'end' : 'budget';
  }

  protected executed(p: { ran: number }): number {
    return p.ran;
  }

  protected service(_p: unknown, stop: 'budget' | 'end'): RunOutcome | null {
    return stop === 'end' ? { kind: 'exited', code: 7 } : { kind: 'budget' };
  }

  protected rewind(): void {}
  protected enter(): void {}
  protected copyOut(): Uint8Array {
    return new Uint8Array(0);
  }
  protected report(): MemoryReport {
    return { guestBytes: 1, peakGuestBytes: 1, engineBytes: 1 };
  }
}

describe('BytecodeEngine.uninstall', () => {
  it('takes the program away: idle, and every operation refused as before load()', () => {
    const engine = new CountdownEngine();
    engine.load(new Uint8Array(10));
    expect(engine.run(4)).toEqual({ kind: 'budget' });
    expect(engine.inspect().instructions).toBe(4);
    engine.end();
    expect(engine.state).toBe('idle');
    expect(engine.inspect().instructions).toBe(0);
    expect(engine.memory()).toEqual({ guestBytes: 0, peakGuestBytes: 0, engineBytes: 0 });
    expect(() => engine.run(1)).toThrow(/run: no program loaded/);
    expect(() => engine.reset()).toThrow(/reset: no program loaded/);
    expect(() => engine.invoke(0, [])).toThrow(/invoke: no program loaded/);
    expect(() => engine.readMemory(0, 1)).toThrow(/readMemory: no program loaded/);
  });

  it('a load() after it starts from the top', () => {
    const engine = new CountdownEngine();
    engine.load(new Uint8Array(10));
    engine.run(4);
    engine.end();
    engine.load(new Uint8Array(3));
    expect(engine.state).toBe('loaded');
    expect(engine.run(100)).toEqual({ kind: 'exited', code: 7 });
    expect(engine.inspect().instructions).toBe(3);
  });
});
