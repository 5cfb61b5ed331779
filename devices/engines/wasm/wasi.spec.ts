import { I32, I64, ModuleBuilder, op } from './testing/builder';
import { loadEngine, MODES, runToEnd } from './testing/harness';
import { FakeHost } from './testing/host';

const WASI = 'wasi_snapshot_preview1';
const bytesOf = (s: string) => [...new TextEncoder().encode(s)];

/** iovec {buf, len} pairs at `at`, little-endian u32s. */
const iovecs = (pairs: Array<[number, number]>) =>
  pairs.flatMap(([buf, len]) =>
    [buf, len].flatMap((v) => [0, 8, 16, 24].map((s) => (v >> s) & 255)),
  );

/** _start: fd_write(fd, iovecs of `parts`, nwritten at 0x200), then proc_exit(its errno). */
function fdWriteModule(fd: number, parts: string[]): Uint8Array {
  const m = new ModuleBuilder().memory(1);
  const fdWrite = m.import('fd_write', [I32, I32, I32, I32], [I32], WASI);
  const exit = m.import('proc_exit', [I32], [], WASI);
  let data = 0x1000;
  const pairs = parts.map((part): [number, number] => {
    const bytes = bytesOf(part);
    m.data(data, bytes);
    data += bytes.length + 16;
    return [data - bytes.length - 16, bytes.length];
  });
  m.data(0x100, iovecs(pairs));
  m.func({
    export: '_start',
    body: [
      ...op.i32(fd),
      ...op.i32(0x100),
      ...op.i32(pairs.length),
      ...op.i32(0x200),
      ...op.call(fdWrite),
      ...op.call(exit),
    ],
  });
  return m.build();
}

describe.each(MODES)('WASI on the guest ABI (%s)', (mode) => {
  it('fd_write to stdout gathers the iovecs into one console write and stores the byte count', () => {
    const host = new FakeHost();
    const engine = loadEngine(mode, fdWriteModule(1, ['héllo, ', 'wörld\n']), host);
    expect(runToEnd(engine)).toEqual({ kind: 'exited', code: 0 });
    expect(host.output).toBe('héllo, wörld\n');
    expect(host.calls.filter((c) => c.number === 2)).toHaveLength(1);
    expect(new DataView(engine.readMemory(0x200, 4).buffer).getUint32(0, true)).toBe(15);
  });

  it('keeps a UTF-8 sequence split across two writes (stderr too)', () => {
    const host = new FakeHost();
    const m = new ModuleBuilder().memory(1);
    const fdWrite = m.import('fd_write', [I32, I32, I32, I32], [I32], WASI);
    const ue = bytesOf('ü'); // two bytes, one in each write
    m.data(0x1000, [ue[0]]).data(0x1010, [ue[1], 0x0a]);
    m.data(0x100, iovecs([[0x1000, 1]])).data(0x108, iovecs([[0x1010, 2]]));
    const write = (iov: number) => [
      ...op.i32(2),
      ...op.i32(iov),
      ...op.i32(1),
      ...op.i32(0x200),
      ...op.call(fdWrite),
    ];
    m.func({
      export: '_start',
      results: [I32],
      body: [...write(0x100), ...op.drop(), ...write(0x108)],
    });
    expect(runToEnd(loadEngine(mode, m.build(), host))).toEqual({ kind: 'exited', code: 0 });
    expect(host.output).toBe('ü\n');
  });

  it('splits a write longer than vm_print takes into 1024-byte pieces, in order', () => {
    const host = new FakeHost();
    const long = 'x'.repeat(700) + '€'.repeat(300) + '\n';
    expect(runToEnd(loadEngine(mode, fdWriteModule(1, [long]), host))).toEqual({
      kind: 'exited',
      code: 0,
    });
    expect(host.output).toBe(long);
    expect(host.calls.filter((c) => c.number === 2).length).toBeGreaterThan(1);
  });

  it('answers EBADF for a descriptor that is not stdout or stderr, and prints nothing', () => {
    const host = new FakeHost();
    expect(runToEnd(loadEngine(mode, fdWriteModule(3, ['secret']), host))).toEqual({
      kind: 'exited',
      code: 8,
    });
    expect(host.output).toBe('');
  });

  it('traps bad_address for an iovec outside memory', () => {
    const m = new ModuleBuilder().memory(1);
    const fdWrite = m.import('fd_write', [I32, I32, I32, I32], [I32], WASI);
    m.data(0x100, iovecs([[0xfff0, 0x100]]));
    m.func({
      export: '_start',
      results: [I32],
      body: [...op.i32(1), ...op.i32(0x100), ...op.i32(1), ...op.i32(0x200), ...op.call(fdWrite)],
    });
    expect(runToEnd(loadEngine(mode, m.build()))).toMatchObject({
      kind: 'fault',
      fault: { code: 'bad_address', message: expect.stringMatching(/^WASI fd_write at 0x/) },
    });
  });

  it('proc_exit ends the program through vm_exit with its code', () => {
    const host = new FakeHost();
    const m = new ModuleBuilder().memory(1);
    const exit = m.import('proc_exit', [I32], [], WASI);
    m.func({ export: '_start', body: [...op.i32(42), ...op.call(exit), 0x00] });
    expect(runToEnd(loadEngine(mode, m.build(), host))).toEqual({ kind: 'exited', code: 42 });
    expect(host.calls).toEqual([{ number: 1, args: [42, 0, 0, 0] }]);
  });

  it('has no arguments or environment, a millisecond clock, and non-seekable character devices', () => {
    const host = new FakeHost((call) =>
      call.number === 4 ? { kind: 'value', value: 1234 } : undefined,
    );
    const m = new ModuleBuilder().memory(1);
    const sizes = m.import('args_sizes_get', [I32, I32], [I32], WASI);
    const env = m.import('environ_sizes_get', [I32, I32], [I32], WASI);
    const clock = m.import('clock_time_get', [I32, I64, I32], [I32], WASI);
    const stat = m.import('fd_fdstat_get', [I32, I32], [I32], WASI);
    const seek = m.import('fd_seek', [I32, I64, I32, I32], [I32], WASI);
    m.data(0x10, new Array<number>(16).fill(0xff)); // the sizes must be overwritten with 0
    const sum = (call: number[]) => [...call, 0x6a /* i32.add: errnos add up */];
    m.func({
      export: '_start',
      results: [I32],
      body: [
        ...op.i32(0x10),
        ...op.i32(0x14),
        ...op.call(sizes),
        ...sum([...op.i32(0x18), ...op.i32(0x1c), ...op.call(env)]),
        ...sum([...op.i32(1), ...op.i64(1000n), ...op.i32(0x20), ...op.call(clock)]),
        ...sum([...op.i32(1), ...op.i32(0x40), ...op.call(stat)]),
        // fd_seek on stdout: ESPIPE (70)
        ...sum([...op.i32(1), ...op.i64(0n), ...op.i32(0), ...op.i32(0x60), ...op.call(seek)]),
      ],
    });
    const engine = loadEngine(mode, m.build(), host);
    expect(runToEnd(engine)).toEqual({ kind: 'exited', code: 70 });
    const view = new DataView(engine.readMemory(0, 0x60).buffer);
    expect([0x10, 0x14, 0x18, 0x1c].map((a) => view.getUint32(a, true))).toEqual([0, 0, 0, 0]);
    expect(view.getBigUint64(0x20, true)).toBe(1_234_000_000n);
    expect(view.getUint8(0x40)).toBe(2); // character device
    expect(view.getBigUint64(0x48, true)).toBe(1n << 6n); // fd_write only: isatty() holds
  });

  it('sched_yield yields the run and returns 0 after it', () => {
    const m = new ModuleBuilder().memory(1);
    const yieldCall = m.import('sched_yield', [], [I32], WASI);
    m.func({ export: '_start', results: [I32], body: [...op.call(yieldCall), ...op.i32(5), 0x6a] });
    const engine = loadEngine(mode, m.build());
    expect(engine.run(1000)).toEqual({ kind: 'yielded', sleepMs: 0 });
    expect(engine.run(1000)).toEqual({ kind: 'exited', code: 5 });
  });
});
