import type { QuickJSContext, QuickJSHandle, QuickJSWASMModule } from 'quickjs-emscripten-core';
import { jsRuntime } from './js-runtime';
import { lineOf, ScriptLoadError } from './source';

/** File name of the program in QuickJS messages and stacks: "guest.js:12". */
export const JS_GUEST_FILE = 'guest.js';
export const JS_GUEST_LINE = /guest\.js:(\d+)/;

/**
 * The program is the body of a generator function, compiled once at load: its top level
 * may `yield sleep_ms(ms)` to sleep without holding the device, and `return n` exits. Kept
 * on the first line so error lines are the program's own. Evaluating it only creates the
 * function: none of the program runs, unless the source closes the function and reopens
 * another (`})(); code; (function(){`), which checkJsProgram refuses.
 */
export const wrapJsProgram = (source: string) => `(function* () {${source}\n})`;

/**
 * What QuickJS's parser may use of its (WebAssembly) stack in the check: about 200 levels
 * of nested brackets or blocks. QuickJS's parser recurses per level on V8's native stack as
 * well, and with its default limit ~700 nested "(" end V8's stack first (a RangeError out
 * of the WebAssembly, which leaves the module's stack pointer behind); at this limit every
 * construct tried, to 30,000 levels, ends in QuickJS's own "stack overflow" instead. No
 * program of firmware/js nests a tenth as deep.
 */
const CHECK_STACK_BYTES = 16 * 1024;
/** The check's largest single allocation (the build counts allocations, not bytes). */
const CHECK_MEMORY_BYTES = 64 * 1024 * 1024;
/**
 * Interrupt polls the check allows: evaluating the wrapper polls once on entry, so a second
 * poll means the source runs a loop or calls of its own (it broke out of the wrapper).
 */
const CHECK_POLLS = 1;

interface DumpedError {
  name?: string;
  message?: string;
  stack?: string;
  lineNumber?: number;
}

const BREAKOUT =
  'JavaScript syntax error: the program closes the function it runs in and goes on after it ' +
  '(a "}" too many at its top level)';
const TOO_DEEP =
  'JavaScript syntax error: brackets or blocks nested too deeply for the compiler ' +
  '(about 200 levels at most)';

/**
 * Evaluating the wrapper compiles; only a SyntaxError (or the compiler running out of
 * memory) is the source's own fault. Any other error, an interrupt or a throw, is code
 * of the program that ran: it broke out of the wrapper.
 */
function loadError(context: QuickJSContext, handle: QuickJSHandle): ScriptLoadError {
  const error = context.dump(handle) as DumpedError;
  handle.dispose();
  if (error.message === 'out of memory') {
    return new ScriptLoadError("JavaScript program too large for the compiler's memory");
  }
  if (error.name !== 'SyntaxError') return new ScriptLoadError(BREAKOUT);
  if (error.message === 'stack overflow') return new ScriptLoadError(TOO_DEEP);
  const line = error.lineNumber ?? lineOf(error.stack ?? '', JS_GUEST_LINE);
  const where = line === undefined ? '' : ` (line ${line})`;
  return new ScriptLoadError(`JavaScript syntax error${where}: ${error.message}`, line);
}

/** Evaluates the wrapper; a V8 stack overflow inside QuickJS is refused like its own. */
function evaluateWrapper(context: QuickJSContext, source: string): QuickJSHandle {
  let result;
  try {
    result = context.evalCode(wrapJsProgram(source), JS_GUEST_FILE);
  } catch (error) {
    if (error instanceof Error && error.name === 'RangeError') throw new ScriptLoadError(TOO_DEEP);
    throw error;
  }
  if (result.error) throw loadError(context, result.error);
  return result.value;
}

/**
 * Checks that `source` compiles as a program and runs nothing when loaded, in a runtime of
 * its own that has no device API, a small stack and one interrupt poll: evaluating the
 * wrapper must give the one generator function whose text is the whole wrapper. A source
 * that breaks out of the wrapper runs at most one poll's worth of code (~10,000 ticks) here,
 * then is refused; so is a syntax error, with QuickJS's line and message. The gateway's
 * upload check; the device runs it before its own load.
 */
export function checkJsProgram(module: QuickJSWASMModule, source: string): void {
  const runtime = module.newRuntime();
  let polls = 0;
  runtime.setInterruptHandler(() => ++polls > CHECK_POLLS);
  runtime.setMaxStackSize(CHECK_STACK_BYTES);
  runtime.setMemoryLimit(CHECK_MEMORY_BYTES);
  const context = runtime.newContext();
  try {
    const program = evaluateWrapper(context, source);
    const text = context.getProp(program, 'toString');
    const shown = context.callFunction(text, program);
    text.dispose();
    program.dispose();
    const whole: unknown = shown.error ? undefined : context.dump(shown.value);
    (shown.error ?? shown.value).dispose();
    if (whole !== wrapJsProgram(source).slice(1, -1)) throw new ScriptLoadError(BREAKOUT);
  } finally {
    context.dispose();
    runtime.dispose();
  }
}

/**
 * Compiles a JS program in `context` (device load) and returns the generator function,
 * after checkJsProgram; a bad program throws ScriptLoadError with QuickJS's line and message.
 */
export function compileJsProgram(context: QuickJSContext, source: string): QuickJSHandle {
  checkJsProgram(jsRuntime(), source);
  return evaluateWrapper(context, source);
}
