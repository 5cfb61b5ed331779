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

/**
 * Compiles a Python program (device load, gateway syntax check) into a generator that has
 * not run yet: top-level `await` is allowed, and one await appended at the end makes the
 * module a generator even without one, so nothing runs until the engine resumes it. A
 * syntax error throws ScriptLoadError with MicroPython's line and message.
 */
export function compilePythonProgram(py: MicroPythonInstance, source: string): PythonProgram {
  try {
    return py.runAsyncSync(`${source}\nawait __vmfleet_end()\n`) as PythonProgram;
  } catch (error) {
    if (!isPythonError(error)) throw error;
    const line = pythonLine(error.message);
    const where = line === undefined ? '' : ` (line ${line})`;
    throw new ScriptLoadError(`Python syntax error${where}: ${pythonMessage(error)}`, line);
  }
}
