import type { PayloadCheck } from '../protocol/images/payload-check';
import { checkJsProgram } from './js-compile';
import { prepareJsRuntime } from './js-runtime';
import { compileLuaChunk } from './lua-compile';
import { prepareLuaRuntime } from './lua-runtime';
import { checkPythonProgram } from './python-check';
import { checkPythonNesting } from './python-compile';
import { decodeSource, ScriptLoadError } from './source';

export type ScriptVmKind = 'lua' | 'micropython' | 'js';

const LANGUAGE: Record<ScriptVmKind, string> = {
  lua: 'Lua',
  micropython: 'Python',
  js: 'JavaScript',
};

/**
 * RAM a script needs before it allocates anything: the VM's own state with the device API
 * (measured on the device engines), plus room for the compiled program, about the size of
 * its source. js is JerryScript's figure, the engine of the boards (firmware/riot/vm/
 * jerryscript: ~4.4 KB of heap for the smallest program with the API, 16 KiB with margin);
 * QuickJS, which stands in for it on virtual devices, needs ~100 KiB, which a virtual
 * board's grant covers, but a JerryScript board with a 56-64 KiB heap was refused every app.
 */
const RUNTIME_RAM_BYTES: Record<ScriptVmKind, number> = {
  lua: 32 * 1024,
  micropython: 64 * 1024,
  js: 16 * 1024,
};

/**
 * The gateway's check of a lua, micropython or js app at upload: valid UTF-8 source under
 * the size limit that compiles without running, in the same VM the devices run. A syntax
 * error is refused with its line and message. Never throws for a bad payload.
 */
export async function validateSourcePayload(
  vm: ScriptVmKind,
  payload: Uint8Array,
): Promise<PayloadCheck> {
  try {
    const source = decodeSource(payload, LANGUAGE[vm]);
    await compileOnly(vm, source);
  } catch (error) {
    if (error instanceof ScriptLoadError) {
      return { ok: false, code: 'image_rejected', reason: error.message };
    }
    throw error;
  }
  const ramBytes = RUNTIME_RAM_BYTES[vm] + payload.length;
  return { ok: true, needs: { ramBytes, flashBytes: payload.length, stackBytes: 0 } };
}

async function compileOnly(vm: ScriptVmKind, source: string): Promise<void> {
  switch (vm) {
    case 'lua':
      return compileLua(source);
    case 'js':
      return compileJs(source);
    case 'micropython':
      return compilePython(source);
  }
}

async function compileLua(source: string): Promise<void> {
  const { api, module } = await prepareLuaRuntime();
  const state = new api.LuaEngine(module, {
    openStandardLibs: false,
    injectObjects: false,
    enableProxy: false,
    traceAllocations: false,
  });
  try {
    compileLuaChunk(state.global, source);
  } finally {
    state.global.close();
  }
}

async function compileJs(source: string): Promise<void> {
  checkJsProgram(await prepareJsRuntime(), source);
}

async function compilePython(source: string): Promise<void> {
  checkPythonNesting(source);
  await checkPythonProgram(source);
}
