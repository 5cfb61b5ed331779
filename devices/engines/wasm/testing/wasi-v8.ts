import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WASI } from 'node:wasi';

/** The part of the WebAssembly JS API used here (tsconfig's lib has no DOM typings). */
interface WebAssemblyApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (
    module: object,
    imports: Record<string, Record<string, unknown>>,
  ) => { exports: Record<string, unknown> };
}
const V8 = (globalThis as unknown as { WebAssembly: WebAssemblyApi }).WebAssembly;

class GuestExit extends Error {
  constructor(readonly code: number) {
    super(`vm_exit(${code})`);
  }
}

/**
 * Runs a wasi-libc image under V8 with Node's own WASI implementation (node:wasi) as the
 * oracle for the engines' WASI mapping (devices/engines/wasm/wasi.ts): stdout and stderr
 * into one temporary file, no arguments, no environment, no preopened directories. The
 * SDK's _Exit calls vmfleet.vm_exit, which ends the run with its code; vm_print writes to
 * the same file. Returns the exit code and everything printed.
 */
export function runWasiOnV8(bytes: Uint8Array): { code: number; output: string } {
  const dir = mkdtempSync(join(tmpdir(), 'vmfleet-wasi-'));
  const file = join(dir, 'out');
  const fd = openSync(file, 'w');
  try {
    const code = startOnV8(bytes, fd);
    return { code, output: readFileSync(file, 'utf8') };
  } finally {
    closeSync(fd);
    rmSync(dir, { recursive: true, force: true });
  }
}

function startOnV8(bytes: Uint8Array, fd: number): number {
  const wasi = new WASI({ version: 'preview1', args: [], env: {}, stdout: fd, stderr: fd });
  let memory: { buffer: ArrayBuffer } | null = null;
  const cString = (address: number) => {
    const u8 = new Uint8Array(memory!.buffer);
    return Buffer.from(u8.subarray(address >>> 0, u8.indexOf(0, address >>> 0)));
  };
  const vmfleet = {
    vm_exit: (code: number) => {
      throw new GuestExit(code | 0);
    },
    vm_print: (address: number) => writeSync(fd, cString(address)) && 0,
    vm_print_int: (value: number) => writeSync(fd, String(value | 0)) && 0,
  };
  const instance = new V8.Instance(new V8.Module(bytes), {
    vmfleet,
    wasi_snapshot_preview1: wasi.wasiImport as Record<string, unknown>,
  });
  memory = instance.exports.memory as { buffer: ArrayBuffer };
  try {
    wasi.start(instance);
    return 0;
  } catch (error) {
    if (error instanceof GuestExit) return error.code;
    throw error;
  }
}
