import { I32, ModuleBuilder, op } from './testing/builder';
import { loadEngine, MODES, runToEnd } from './testing/harness';

/**
 * A module laid out as wasm-ld lays out an SDK program (--stack-first): a 4 KiB stack
 * [0, 4096), 100 bytes of data at 4096, .bss to __data_end = 4596, the heap from
 * __heap_base = 4608. `body` is _start's.
 */
function cProgram(body: number[], layout = true): Uint8Array {
  const m = new ModuleBuilder().memory(1);
  m.global(I32, true, op.i32(4096)); // __stack_pointer
  const dataEnd = m.global(I32, false, op.i32(4596));
  const heapBase = m.global(I32, false, op.i32(4608));
  if (layout) m.exportGlobal('__data_end', dataEnd).exportGlobal('__heap_base', heapBase);
  m.data(4096, new Array<number>(100).fill(7));
  m.func({ export: '_start', body });
  return m.build();
}

/** Stores i64 0 at [from, from + 8 * count) — memory that stays zero but is written. */
const zeroStores = (from: number, count: number) =>
  Array.from({ length: count }, (_, i) => [
    ...op.i32(from + 8 * i),
    ...op.i64(0n),
    ...op.mem(0x37),
  ]).flat();

/** Moves the stack pointer down by `bytes` and back, as a C prologue and epilogue do. */
const frame = (bytes: number) => [
  ...op.globalGet(0),
  ...op.i32(bytes),
  0x6b, // i32.sub
  ...op.globalSet(0),
  ...op.globalGet(0),
  ...op.i32(bytes),
  0x6a, // i32.add
  ...op.globalSet(0),
];

describe.each(MODES)('wasm peak guest memory (%s)', (mode) => {
  it('counts data and .bss, the deepest stack, and the heap blocks stores wrote, even with zeros', () => {
    // malloc's bookkeeping at the very end of memory (wasi-libc's dlmalloc puts its
    // segment record there) must count as its own block, not as everything below it,
    // and a heap buffer written with zeros (calloc, memset) is memory in use all the same.
    const engine = loadEngine(
      mode,
      cProgram([
        ...frame(200),
        ...zeroStores(8192, 128), // 1 KiB of zeros: 16 blocks
        ...op.i32(65532),
        ...op.i32(1),
        ...op.mem(0x36), // one i32 in the last block
      ]),
    );
    expect(runToEnd(engine)).toEqual({ kind: 'exited', code: 0 });
    expect(engine.memory().peakGuestBytes).toBe(500 + 200 + 1024 + 64);
  });

  it('does not count stores into the stack or the static data twice', () => {
    const engine = loadEngine(
      mode,
      cProgram([...frame(64), ...zeroStores(4000, 8), ...zeroStores(4100, 8)]),
    );
    expect(runToEnd(engine)).toEqual({ kind: 'exited', code: 0 });
    expect(engine.memory().peakGuestBytes).toBe(500 + 64);
  });

  it('counts a heap block the host wrote (a syscall result), and only once', () => {
    const m = new ModuleBuilder().memory(1);
    m.global(I32, true, op.i32(4096));
    m.exportGlobal('__data_end', m.global(I32, false, op.i32(4096)));
    m.exportGlobal('__heap_base', m.global(I32, false, op.i32(4096)));
    const stat = m.import('fd_fdstat_get', [I32, I32], [I32], 'wasi_snapshot_preview1');
    m.func({
      export: '_start',
      results: [I32],
      body: [...op.i32(1), ...op.i32(20000), ...op.call(stat), ...zeroStores(20000, 3)],
    });
    const engine = loadEngine(mode, m.build());
    expect(runToEnd(engine)).toEqual({ kind: 'exited', code: 0 });
    expect(engine.memory().peakGuestBytes).toBe(64);
  });

  it('traps stack_exhausted when a frame would take the stack pointer below 0', () => {
    const engine = loadEngine(mode, cProgram([...frame(4000), ...frame(5000)]));
    expect(runToEnd(engine)).toMatchObject({
      kind: 'fault',
      fault: {
        code: 'stack_exhausted',
        message: expect.stringMatching(
          /C stack overflow: __stack_pointer would be -904, outside the 4096-byte stack/,
        ),
      },
    });
    expect(engine.memory().peakGuestBytes).toBe(500 + 4000);
  });

  it('leaves a mutable global 0 alone without the C layout exports (not a C stack pointer)', () => {
    const engine = loadEngine(mode, cProgram([...frame(5000)], false));
    expect(runToEnd(engine)).toEqual({ kind: 'exited', code: 0 });
  });

  it('refuses at load a module whose .bss does not fit the board (does_not_fit)', () => {
    expect(() => loadEngine(mode, cProgram([]), undefined, {}, 4600)).toThrow(
      /and .bss end at 4608 bytes.*, but only 4600 bytes/,
    );
  });
});
