import { parentPort } from 'node:worker_threads';
import { prepareMicroPythonRuntime, takeMicroPython } from './micropython-runtime';
import { compilePythonProgram } from './python-compile';
import { ScriptLoadError } from './source';

/** A check the gateway asks for: compile `source`, say how it went. */
export interface PythonCheckRequest {
  id: number;
  source: string;
}

export type PythonCheckReply =
  { id: number; ok: true } | { id: number; ok: false; message: string; line?: number };

/**
 * The thread that compiles Python for the gateway's upload check (python-check.ts): one
 * MicroPython interpreter, compiling one source at a time. Compiling leaves nothing behind
 * but a dropped generator. The thread may be terminated in the middle of a compile.
 */
async function serve(): Promise<void> {
  await prepareMicroPythonRuntime();
  const python = takeMicroPython();
  parentPort!.on('message', ({ id, source }: PythonCheckRequest) => {
    let reply: PythonCheckReply;
    try {
      compilePythonProgram(python, source);
      reply = { id, ok: true };
    } catch (error) {
      reply =
        error instanceof ScriptLoadError
          ? { id, ok: false, message: error.message, line: error.line }
          : { id, ok: false, message: `Python check failed: ${String(error)}` };
    }
    parentPort!.postMessage(reply);
  });
  parentPort!.postMessage({ id: 0, ok: true } satisfies PythonCheckReply);
}

void serve();
