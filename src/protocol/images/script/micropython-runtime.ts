import { mainContextGlobal, nativeImport } from './native-import';

/** The parts of the MicroPython WebAssembly port's API (micropython.mjs) this project uses. */
export interface MicroPython {
  _module: { _mp_sched_keyboard_interrupt(): void };
  runPython(code: string): unknown;
  runPythonAsync(code: string): unknown;
  registerJsModule(name: string, module: object): void;
  globals: { get(key: string): unknown };
}

interface MicroPythonPackage {
  loadMicroPython(options: {
    heapsize?: number;
    pystack?: number;
    linebuffer?: boolean;
    stdout?: (line: string) => void;
    stderr?: (line: string) => void;
  }): Promise<MicroPython>;
}

/**
 * micropython.mjs keeps one interpreter's JS-side state in globals (Module and the proxy
 * tables), so two instances in one process must swap them: `use()` installs its own first.
 */
const SWAPPED_GLOBALS = [
  'Module',
  'proxy_js_ref',
  'proxy_js_ref_next',
  'proxy_js_ref_map',
  'proxy_js_map',
  'proxy_js_existing',
  'pyProxyFinalizationRegistry',
] as const;

type GlobalState = Record<(typeof SWAPPED_GLOBALS)[number], unknown>;
/** micropython.mjs runs in Node's main context (nativeImport): its globals are there. */
const mainGlobal = mainContextGlobal();
const globals = mainGlobal as unknown as GlobalState;

/** One MicroPython interpreter (its own WebAssembly instance and heap). */
export class MicroPythonInstance {
  private readonly state: GlobalState;

  constructor(readonly mp: MicroPython) {
    if (globals.Module !== mp._module) throw new Error('MicroPython globals changed under us');
    this.state = Object.fromEntries(
      SWAPPED_GLOBALS.map((name) => [name, globals[name]]),
    ) as GlobalState;
    // The package's registry frees a collected proxy in whatever interpreter is current.
    this.state.pyProxyFinalizationRegistry = new FinalizationRegistry<number>((ref) =>
      this.use(() => {
        (globals.proxy_js_map as Map<number, unknown>).delete(ref);
        (mp._module as unknown as CcallModule).ccall('proxy_c_free_obj', 'null', ['number'], [ref]);
      }),
    );
  }

  /** Runs `fn` with this interpreter's globals installed (every call into it must). */
  use<T>(fn: () => T): T {
    Object.assign(globals, this.state);
    try {
      return fn();
    } finally {
      this.state.proxy_js_ref_next = globals.proxy_js_ref_next;
    }
  }

  /**
   * runPythonAsync without its Promise.resolve(): compiles `code` allowing top-level await
   * and returns the module's generator (a thenable the caller drives synchronously).
   */
  runAsyncSync(code: string): unknown {
    return this.use(() => {
      const promise = mainGlobal.Promise;
      const original = Object.getOwnPropertyDescriptor(promise, 'resolve')!;
      Object.defineProperty(promise, 'resolve', { ...original, value: (value: unknown) => value });
      try {
        return this.mp.runPythonAsync(code);
      } finally {
        Object.defineProperty(promise, 'resolve', original);
      }
    });
  }
}

interface CcallModule {
  ccall(name: string, ret: string, types: string[], args: unknown[]): unknown;
}

/** Interpreters made ahead: creating one is async (~15 ms), taking one is not. */
const POOL_SIZE = 2;
const pool: MicroPythonInstance[] = [];
let loader: Promise<MicroPythonPackage> | undefined;
let filling: Promise<void> | undefined;

/**
 * What one interpreter's WebAssembly memory may grow to. The port grows its GC heap on
 * demand (new 128 MiB regions at most) and never collects while Python runs, so without a
 * cap one `bytearray` loop grows the host process to the 2 GiB the build allows. Past this,
 * the port's malloc fails and Python sees MemoryError (the engine: out_of_memory). It holds
 * the port's static memory (16 MiB) and the engines' garbage allowance (32 MiB) twice over,
 * as the port doubles its heap when it grows.
 */
export const MICROPYTHON_MAX_BYTES = 128 * 1024 * 1024;
const PAGE = 64 * 1024;

interface GrowableMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
type Instantiate = (...args: unknown[]) => Promise<{ instance: { exports: object } }>;

/** Refuses to grow `memory` past `cap` bytes; the port catches the error as a failed malloc. */
function capMemory(memory: GrowableMemory, cap: number): void {
  const grow = memory.grow.bind(memory);
  Object.defineProperty(memory, 'grow', {
    value: (pages: number) => {
      if (memory.buffer.byteLength + pages * PAGE > cap)
        throw new RangeError(`a MicroPython interpreter may use at most ${cap} bytes`);
      return grow(pages);
    },
  });
}

/**
 * Runs `load` with WebAssembly.instantiate (of the main context, where the package runs)
 * wrapped, so the MicroPython instance it makes gets its memory capped. The build exports
 * its memory and takes no options for it, so this is the one place to reach it.
 */
async function withCappedMemory<T>(load: () => Promise<T>): Promise<T> {
  // The project's TypeScript libs declare no WebAssembly values; Node's global has them.
  const wasm = (mainGlobal as unknown as { WebAssembly: { instantiate: Instantiate } }).WebAssembly;
  const original = wasm.instantiate;
  wasm.instantiate = async (...args) => {
    const result = await original.apply(wasm, args);
    // Not named `exports`: tsc's CommonJS output refers to this module's own exports so.
    const made = result.instance.exports as { memory?: GrowableMemory; mp_js_init?: unknown };
    if (made.mp_js_init && made.memory) capMemory(made.memory, MICROPYTHON_MAX_BYTES);
    return result;
  };
  try {
    return await load();
  } finally {
    wasm.instantiate = original;
  }
}

async function createInstance(): Promise<MicroPythonInstance> {
  loader ??= nativeImport<MicroPythonPackage>('@micropython/micropython-webassembly-pyscript');
  const micropython = await loader;
  // heapsize is where the GC heap starts; it grows on demand up to MICROPYTHON_MAX_BYTES,
  // and engines enforce the board's limit themselves (gc.mem_alloc()).
  for (;;) {
    const mp = await withCappedMemory(() =>
      micropython.loadMicroPython({
        heapsize: 16 * 1024,
        // Python frames live on this stack (in words): ackermann nests ~500 calls.
        pystack: 16 * 1024,
        linebuffer: true,
        stdout: () => {},
      }),
    );
    // Another interpreter ran between its start-up and here: its globals are lost, make another.
    if (globals.Module === mp._module) return new MicroPythonInstance(mp);
  }
}

async function fill(): Promise<void> {
  while (pool.length < POOL_SIZE) pool.push(await createInstance());
}

/**
 * Makes MicroPython interpreters ahead of use (loads the package's .wasm once per process,
 * ~40 ms; nothing is downloaded). Await it before creating a MicroPython engine.
 */
export function prepareMicroPythonRuntime(): Promise<void> {
  filling ??= fill().finally(() => (filling = undefined));
  return filling;
}

/** Whether an interpreter can be taken now. */
export function microPythonReady(): boolean {
  return pool.length > 0;
}

/** A fresh interpreter from the pool (refilled in the background); throws when empty. */
export function takeMicroPython(): MicroPythonInstance {
  const instance = pool.shift();
  void prepareMicroPythonRuntime().catch(() => undefined);
  if (!instance) {
    throw new Error(
      'the MicroPython runtime is not ready: await prepareMicroPythonRuntime() first',
    );
  }
  return instance;
}
