import { EventEmitter } from 'node:events';
import { stopOnSignals, waitForStop } from './signals';

describe('stopOnSignals', () => {
  it.each([['SIGINT'], ['SIGTERM']])('aborts on %s and lets go of both listeners', (name) => {
    const source = new EventEmitter();
    const stop = stopOnSignals(source);
    expect(source.listenerCount('SIGINT') + source.listenerCount('SIGTERM')).toBe(2);
    source.emit(name, name);
    expect(stop.signal.aborted).toBe(true);
    expect(stop.signal.reason).toBe(name);
    // A second Ctrl-C then meets Node's default handler and ends the process.
    expect(source.listenerCount('SIGINT') + source.listenerCount('SIGTERM')).toBe(0);
  });

  it('removes its listeners on dispose', () => {
    const source = new EventEmitter();
    stopOnSignals(source).dispose();
    expect(source.listenerCount('SIGINT') + source.listenerCount('SIGTERM')).toBe(0);
  });
});

describe('waitForStop', () => {
  it('resolves "duration" after the given time', async () => {
    const started = Date.now();
    await expect(waitForStop(new AbortController().signal, 50)).resolves.toBe('duration');
    expect(Date.now() - started).toBeGreaterThanOrEqual(45);
  });

  it('resolves "signal" on abort, even without a duration', async () => {
    const controller = new AbortController();
    const waiting = waitForStop(controller.signal, undefined);
    controller.abort();
    await expect(waiting).resolves.toBe('signal');
  });

  it('resolves at once when already aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(waitForStop(controller.signal, 60_000)).resolves.toBe('signal');
  });
});
