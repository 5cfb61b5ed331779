import type { LuaThread } from 'wasmoon';
import { lineOf, ScriptLoadError } from './source';

/** Chunk name of the program: Lua's messages read "guest:12: …". */
export const LUA_GUEST_CHUNK = '=guest';
export const LUA_GUEST_LINE = /guest:(\d+):/;

/**
 * Compiles a Lua program onto `thread`'s stack as a function, without running it (device
 * load, gateway syntax check); a syntax error throws ScriptLoadError with Lua's line.
 */
export function compileLuaChunk(thread: LuaThread, source: string): void {
  try {
    thread.loadString(source, LUA_GUEST_CHUNK);
  } catch (error) {
    // wasmoon prefixes Lua's own message with "Error: ".
    const message = (error instanceof Error ? error.message : String(error)).replace(
      /^Error: /,
      '',
    );
    throw new ScriptLoadError(`Lua syntax error: ${message}`, lineOf(message, LUA_GUEST_LINE));
  }
}
