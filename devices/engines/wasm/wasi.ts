import { WASI_FUNCTIONS } from '../../../src/protocol/images/wasm';
import type { GuestHost, RunOutcome, SyscallResult } from '../engine';
import { ScratchMemory } from '../script/scratch-memory';
import type { LinearMemory } from './memory';
import { Trap } from './trap';

/** Guest ABI syscalls the WASI functions are mapped onto (docs/guest-abi.md, "Syscalls"). */
const SYS_EXIT = 1;
const SYS_PRINT = 2;
const SYS_TIME_MS = 4;
const SYS_YIELD = 6;

/** WASI preview 1 errno values (wasi_snapshot_preview1.witx, `errno`). */
const ESUCCESS = 0;
const EBADF = 8;
const EINVAL = 28;
const ESPIPE = 70;

const FILETYPE_CHARACTER_DEVICE = 2;
const RIGHT_FD_READ = 1n << 1n;
const RIGHT_FD_WRITE = 1n << 6n;
/** The device clock counts milliseconds: that is the resolution every WASI clock reports. */
const NS_PER_MS = 1_000_000n;
/** vm_print takes at most 1024 bytes: 256 UTF-16 units never encode to more. */
const PRINT_CHUNK_UNITS = 256;

/** A WASI call's i32 arguments (i64 ones as the low word) and its i64 arguments as BigInt. */
export interface WasiArgs {
  i32: readonly number[];
  i64: readonly bigint[];
}

/** How a WASI call ends: an errno for the guest, or a run outcome that stops it. */
export type WasiResult =
  | { kind: 'value'; value: number }
  /** The call stops the run: exited, or yielded (the errno, ESUCCESS, is pushed first). */
  | { kind: 'stop'; outcome: RunOutcome };

/** Per-engine state of the console mapping: a UTF-8 sequence may be split across writes. */
export class WasiConsole {
  private readonly decoders = [new TextDecoder('utf-8'), new TextDecoder('utf-8')];
  private readonly scratch = new ScratchMemory();

  reset(): void {
    this.decoders.forEach((d) => d.decode());
  }

  /** fd 1 or 2: the bytes of the iovecs go to the console as vm_print calls. */
  write(fd: number, bytes: Uint8Array, host: GuestHost): SyscallResult {
    const text = this.decoders[fd - 1].decode(bytes, { stream: true }).replaceAll('\0', '');
    for (let at = 0; at < text.length;) {
      let end = Math.min(at + PRINT_CHUNK_UNITS, text.length);
      if (end < text.length && isHighSurrogate(text.charCodeAt(end - 1))) end--;
      this.scratch.clear();
      const address = this.scratch.putCString(text.slice(at, end));
      const result = host.syscall({
        number: SYS_PRINT,
        args: [address, 0, 0, 0],
        memory: this.scratch,
      });
      if (result.kind !== 'value') return result;
      at = end;
    }
    return { kind: 'value', value: 0 };
  }
}

const isHighSurrogate = (unit: number) => unit >= 0xd800 && unit <= 0xdbff;

/**
 * One call of a WASI function the validator let through (abi.ts, WASI_FUNCTIONS), on the
 * guest ABI: stdout/stderr are the console, stdin is empty, no arguments or environment,
 * every clock is the device's millisecond clock since the program started, proc_exit is
 * vm_exit, sched_yield is vm_yield. Other descriptors answer EBADF. Bad pointers trap
 * bad_address (a Trap from the memory view).
 */
export function callWasi(
  index: number,
  args: WasiArgs,
  memory: LinearMemory,
  host: GuestHost,
  console: WasiConsole,
): WasiResult {
  const [a0, a1, a2, a3] = args.i32;
  const value = (v: number): WasiResult => ({ kind: 'value', value: v });
  switch (WASI_FUNCTIONS[index]) {
    case 'args_sizes_get':
    case 'environ_sizes_get':
      writeU32(memory, a0, 0);
      writeU32(memory, a1, 0);
      return value(ESUCCESS);
    case 'args_get':
    case 'environ_get':
      return value(ESUCCESS);
    case 'clock_res_get':
      if (a0 >>> 0 > 3) return value(EINVAL);
      writeU64(memory, a1, NS_PER_MS);
      return value(ESUCCESS);
    case 'clock_time_get':
      return clockTime(a0, a2, memory, host);
    case 'fd_close':
      return value(isStdio(a0) ? ESUCCESS : EBADF);
    case 'fd_fdstat_get':
      return value(fdstat(a0, a1, memory));
    case 'fd_read':
      if (a0 !== 0) return value(EBADF);
      writeU32(memory, a3, 0); // stdin is empty: end of file
      return value(ESUCCESS);
    case 'fd_seek':
      return value(isStdio(a0) ? ESPIPE : EBADF);
    case 'fd_write':
      return fdWrite(a0, a1, a2, a3, memory, host, console);
    case 'proc_exit':
      return procExit(a0, host);
    case 'sched_yield':
      return fromHost(host.syscall({ number: SYS_YIELD, args: [0, 0, 0, 0], memory }), ESUCCESS);
    default:
      throw new Trap('bad_syscall', `WASI function ${index} is not provided`);
  }
}

const isStdio = (fd: number) => fd >>> 0 <= 2;

function fdstat(fd: number, at: number, memory: LinearMemory): number {
  if (!isStdio(fd)) return EBADF;
  // A character device without seek/tell rights: wasi-libc's isatty() is true, so stdout
  // is line buffered and printf output interleaves with vm_print's at line boundaries.
  const stat = new Uint8Array(24);
  const view = new DataView(stat.buffer);
  stat[0] = FILETYPE_CHARACTER_DEVICE;
  view.setBigUint64(8, fd === 0 ? RIGHT_FD_READ : RIGHT_FD_WRITE, true);
  memory.writeBytes(at, stat);
  return ESUCCESS;
}

function fdWrite(
  fd: number,
  iovs: number,
  count: number,
  nwritten: number,
  memory: LinearMemory,
  host: GuestHost,
  console: WasiConsole,
): WasiResult {
  if (fd !== 1 && fd !== 2) return { kind: 'value', value: EBADF };
  const parts: Uint8Array[] = [];
  let total = 0;
  for (let i = 0; i < count >>> 0; i++) {
    const entry = memory.readBytes((iovs >>> 0) + 8 * i, 8);
    const view = new DataView(entry.buffer);
    const part = memory.readBytes(view.getUint32(0, true), view.getUint32(4, true));
    parts.push(part);
    total += part.length;
  }
  const bytes = new Uint8Array(total);
  parts.reduce((at, part) => (bytes.set(part, at), at + part.length), 0);
  writeU32(memory, nwritten, total);
  return fromHost(console.write(fd, bytes, host), ESUCCESS);
}

function clockTime(id: number, at: number, memory: LinearMemory, host: GuestHost): WasiResult {
  if (id >>> 0 > 3) return { kind: 'value', value: EINVAL };
  const result = host.syscall({ number: SYS_TIME_MS, args: [0, 0, 0, 0], memory });
  if (result.kind !== 'value') return fromHost(result, ESUCCESS);
  writeU64(memory, at, BigInt(result.value >>> 0) * NS_PER_MS);
  return { kind: 'value', value: ESUCCESS };
}

function procExit(code: number, host: GuestHost): WasiResult {
  const result = host.syscall({
    number: SYS_EXIT,
    args: [code, 0, 0, 0],
    memory: new ScratchMemory(0),
  });
  // proc_exit does not return: a host that answers otherwise still ends the program.
  if (result.kind === 'fault') return fromHost(result, 0);
  return {
    kind: 'stop',
    outcome: { kind: 'exited', code: result.kind === 'exit' ? result.code | 0 : code | 0 },
  };
}

/** A host answer to a mapped syscall: a value means the WASI call succeeded with `errno`. */
function fromHost(result: SyscallResult, errno: number): WasiResult {
  switch (result.kind) {
    case 'value':
      return { kind: 'value', value: errno };
    case 'exit':
      return { kind: 'stop', outcome: { kind: 'exited', code: result.code | 0 } };
    case 'yield':
      return { kind: 'stop', outcome: { kind: 'yielded', sleepMs: result.sleepMs } };
    case 'fault':
      throw new Trap('bad_syscall', result.message);
  }
}

function writeU32(memory: LinearMemory, at: number, v: number): void {
  const bytes = new Uint8Array(4);
  new DataView(bytes.buffer).setUint32(0, v, true);
  memory.writeBytes(at, bytes);
}

function writeU64(memory: LinearMemory, at: number, v: bigint): void {
  const bytes = new Uint8Array(8);
  new DataView(bytes.buffer).setBigUint64(0, v, true);
  memory.writeBytes(at, bytes);
}
