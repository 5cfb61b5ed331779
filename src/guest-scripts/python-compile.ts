import type { MicroPythonInstance } from './micropython-runtime';
import { ScriptLoadError } from './source';

/** MicroPython names the program "<stdin>" in tracebacks. */
const PYTHON_LINE = /File "<stdin>", line (\d+)/g;

/** A MicroPython exception as the JS side sees it (micropython.mjs PythonError). */
export interface PythonError extends Error {
  type: string;
}

/** Checked by name: the error comes from Node's main context, another realm under Jest. */
export function isPythonError(error: unknown): error is PythonError {
  return typeof error === 'object' && error !== null && (error as Error).name === 'PythonError';
}

/** The innermost program line a traceback names, if any. */
export function pythonLine(traceback: string): number | undefined {
  const lines = [...traceback.matchAll(PYTHON_LINE)];
  return lines.length ? Number(lines[lines.length - 1][1]) : undefined;
}

/** The traceback's last line: "ZeroDivisionError: divide by zero". */
export function pythonMessage(error: PythonError): string {
  const last = error.message.trim().split('\n').pop() ?? '';
  return last || error.type;
}

/** A thenable over the program's module generator: then(resolve, reject) runs it. */
export interface PythonProgram {
  then(resolve: (value: unknown) => void, reject: (error: unknown) => void): unknown;
}

/** Deepest bracket nesting a program may have: CPython's parser limit (MAXLEVEL) too. */
export const PYTHON_MAX_NESTING = 200;

const OPEN = new Set(['(', '[', '{']);
const CLOSE = new Set([')', ']', '}']);

/**
 * The end of the string literal whose quote is at `i`, or the source's end when it is
 * unterminated (the compiler says so then). A backslash keeps the next character in the
 * string, in raw strings too (r"\"" is one string).
 */
function stringEnd(source: string, i: number): number {
  const quote = source[i];
  const triple = source.startsWith(quote.repeat(3), i);
  const closing = triple ? quote.repeat(3) : quote;
  for (let j = i + closing.length; j < source.length; j++) {
    if (source[j] === '\\') j++;
    else if (source.startsWith(closing, j)) return j + closing.length;
    else if (!triple && source[j] === '\n') return j;
  }
  return source.length;
}

/**
 * Refuses a program nested deeper than PYTHON_MAX_NESTING brackets, before MicroPython
 * sees it: its compiler takes time quadratic in the nesting (8,000 "(": 5 s; a 256 KiB
 * source of them: about an hour). Brackets inside strings and comments do not count.
 */
export function checkPythonNesting(source: string): void {
  let depth = 0;
  let line = 1;
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    if (c === '\n') line++;
    else if (c === '#') {
      while (i + 1 < source.length && source[i + 1] !== '\n') i++;
    } else if (c === '"' || c === "'") {
      const end = stringEnd(source, i);
      for (let j = i; j < end; j++) if (source[j] === '\n') line++;
      i = end - 1;
    } else if (OPEN.has(c) && ++depth > PYTHON_MAX_NESTING) {
      throw new ScriptLoadError(
        `Python syntax error (line ${line}): brackets nested deeper than ${PYTHON_MAX_NESTING} levels`,
        line,
      );
    } else if (CLOSE.has(c)) depth = Math.max(0, depth - 1);
  }
}

/**
 * Compiles a Python program (device load, gateway syntax check) into a generator that has
 * not run yet: top-level `await` is allowed, and one await appended at the end makes the
 * module a generator even without one, so nothing runs until the engine resumes it. A
 * syntax error throws ScriptLoadError with MicroPython's line and message.
 */
export function compilePythonProgram(py: MicroPythonInstance, source: string): PythonProgram {
  checkPythonNesting(source);
  try {
    return py.runAsyncSync(`${source}\nawait __vmfleet_end()\n`) as PythonProgram;
  } catch (error) {
    if (!isPythonError(error)) throw error;
    const line = pythonLine(error.message);
    const where = line === undefined ? '' : ` (line ${line})`;
    throw new ScriptLoadError(`Python syntax error${where}: ${pythonMessage(error)}`, line);
  }
}
