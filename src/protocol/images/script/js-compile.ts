import type { QuickJSContext, QuickJSHandle } from 'quickjs-emscripten-core';
import { lineOf, ScriptLoadError } from './source';

/** File name of the program in QuickJS messages and stacks: "guest.js:12". */
export const JS_GUEST_FILE = 'guest.js';
export const JS_GUEST_LINE = /guest\.js:(\d+)/;

/**
 * The program is the body of a generator function, compiled once at load: its top level
 * may `yield sleep_ms(ms)` to sleep without holding the device, and `return n` exits. Kept
 * on the first line so error lines are the program's own. Evaluating it only creates the
 * function: none of the program runs.
 */
export const wrapJsProgram = (source: string) => `(function* () {${source}\n})`;

interface DumpedError {
  message?: string;
  stack?: string;
  lineNumber?: number;
}

/**
 * Compiles a JS program in `context` (device load, gateway syntax check) and returns the
 * generator function; a syntax error throws ScriptLoadError with QuickJS's line and message.
 */
export function compileJsProgram(context: QuickJSContext, source: string): QuickJSHandle {
  const result = context.evalCode(wrapJsProgram(source), JS_GUEST_FILE);
  if (!result.error) return result.value;
  const error = context.dump(result.error) as DumpedError;
  result.error.dispose();
  const line = error.lineNumber ?? lineOf(error.stack ?? '', JS_GUEST_LINE);
  const where = line === undefined ? '' : ` (line ${line})`;
  throw new ScriptLoadError(`JavaScript syntax error${where}: ${error.message}`, line);
}
