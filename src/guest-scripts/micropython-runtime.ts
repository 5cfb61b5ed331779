import { mainContextGlobal, nativeImport } from './native-import';

/** The parts of the MicroPython WebAssembly port's API (micropython.mjs) this project uses. */
export interface MicroPython {
  _module: MicroPythonModule;
  runPython(code: string): unknown;
  runPythonAsync(code: string): unknown;
  registerJsModule(name: string, module: object): void;
  pyimport(name: string): unknown;
  globals: { get(key: string): unknown; set(key: string, value: unknown): void };
}

/** The emscripten Module's exports this project calls directly. */
export interface MicroPythonModule {
  _mp_sched_keyboard_interrupt(): void;
  /** proxy_c.c: calls proxy_c_ref[ref] with `count` converted arguments at `args`. */
  _proxy_c_to_js_call(ref: number, count: number, args: number, out: number): void;
  _malloc(bytes: number): number;
  _free(address: number): void;
  getValue(address: number, type: 'i32'): number;
  setValue(address: number, value: number, type: 'i32'): void;
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

  constructor(
    readonly mp: MicroPython,
    /** Its WebAssembly memory: what it costs the host, and how far it may grow. */
    readonly memory: InterpreterMemory,
  ) {
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

  /** The id the package gave a JS value it handed to Python (its proxy_js_ref table). */
  jsRef(value: unknown): number | undefined {
    return this.use(() => (globals.proxy_js_ref_map as Map<unknown, number>).get(value));
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
 * What one interpreter's WebAssembly memory may grow to at most, whatever its engine sets
 * (InterpreterMemory.limit). The port grows its GC heap on demand (doubling it) and never
 * collects while Python runs, so without a cap one `bytearray` loop grows the host process
 * to the 2 GiB the build allows. Past the limit the port's malloc fails and Python sees
 * MemoryError (the engine: out_of_memory).
 */
export const MICROPYTHON_MAX_BYTES = 128 * 1024 * 1024;
const PAGE = 64 * 1024;

interface GrowableMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
type Instantiate = (...args: unknown[]) => Promise<{ instance: { exports: object } }>;

/**
 * One interpreter's WebAssembly memory with a growth limit. A growth past `limit` is
 * refused, which the port sees as a failed malloc (MemoryError); `onRefused` hears of it
 * once per refusal, from the port's error log (the lines it would print are dropped),
 * where it may throw to abandon the interpreter: nothing in the port catches it there.
 */
export class InterpreterMemory {
  /** Bytes the memory may grow to (at most MICROPYTHON_MAX_BYTES). */
  limit = MICROPYTHON_MAX_BYTES;
  /** Bytes it had when the interpreter was ready, before any program. */
  baseBytes = 0;
  /** Growths refused so far. */
  refused = 0;
  onRefused: () => void = () => {};
  private frozen = false;

  constructor(private readonly memory: GrowableMemory) {
    const grow = memory.grow.bind(memory);
    Object.defineProperty(memory, 'grow', {
      value: (pages: number) => {
        const cap = this.frozen ? 0 : Math.min(this.limit, MICROPYTHON_MAX_BYTES);
        if (memory.buffer.byteLength + pages * PAGE > cap)
          throw new RangeError(`a MicroPython interpreter may use at most ${cap} bytes`);
        return grow(pages);
      },
    });
  }

  /** Bytes the memory holds now (it never shrinks). */
  get bytes(): number {
    return this.memory.buffer.byteLength;
  }

  /**
   * Takes the free part of the memory the port starts with (~12 MiB) out of reach with
   * blocks never written (so never resident), so that the GC heap grows only by growing
   * the memory, where the limits see it; a little stays for the C side's own mallocs.
   */
  reserveInitialMemory(malloc: (bytes: number) => number): void {
    const refused = this.refused;
    this.frozen = true;
    try {
      for (let size = 8 * 1024 * 1024; size >= FREE_LEFT_BYTES; size /= 2) {
        while (malloc(size) !== 0);
      }
    } finally {
      this.frozen = false;
      this.refused = refused;
      this.baseBytes = this.bytes;
    }
  }

  /** Called for each line the port logs on its error channel; false: not a growth line. */
  heard(line: string): boolean {
    // emscripten_resize_heap: up to three growMemory lines, then one "Failed to grow".
    if (/^growMemory: /.test(line)) return true;
    if (!/^(Failed to grow the heap|Cannot enlarge memory)/.test(line)) return false;
    this.refused++;
    this.onRefused();
    return true;
  }
}

/** What reserveInitialMemory leaves free of the starting memory. */
const FREE_LEFT_BYTES = 256 * 1024;

/**
 * Runs `load` with WebAssembly.instantiate (of the main context, where the package runs)
 * wrapped, so the MicroPython instance it makes gets its memory guarded, and with
 * console.error wrapped, which the package binds as its error log while it starts: a
 * refused growth is reported to the memory's owner, not printed (four lines each).
 */
function withGuardedMemory<T>(load: () => Promise<T>): Promise<[T, InterpreterMemory]> {
  // One load at a time in the whole process: each copy of this module (a test runner
  // loads one per test file) wraps the same main-context globals, and nested wraps would
  // guard one memory twice and leave console.error wrapped.
  const holder = mainGlobal as unknown as Record<symbol, Promise<unknown> | undefined>;
  const mine = (holder[LOAD_LOCK] ?? Promise.resolve()).then(() => guardedLoad(load));
  holder[LOAD_LOCK] = mine.catch(() => undefined);
  return mine;
}

const LOAD_LOCK = Symbol.for('vmfleet.micropython.load');

async function guardedLoad<T>(load: () => Promise<T>): Promise<[T, InterpreterMemory]> {
  // The project's TypeScript libs declare no WebAssembly values; Node's global has them.
  const wasm = (mainGlobal as unknown as { WebAssembly: { instantiate: Instantiate } }).WebAssembly;
  const console = mainGlobal.console;
  const original = wasm.instantiate;
  const originalError = Object.getOwnPropertyDescriptor(console, 'error')!;
  const print = console.error.bind(console);
  let guarded: InterpreterMemory | undefined;
  wasm.instantiate = async (...args) => {
    const result = await original.apply(wasm, args);
    // Not named `exports`: tsc's CommonJS output refers to this module's own exports so.
    const made = result.instance.exports as { memory?: GrowableMemory; mp_js_init?: unknown };
    if (made.mp_js_init && made.memory) guarded = new InterpreterMemory(made.memory);
    return result;
  };
  console.error = (...args: unknown[]) => {
    if (!(guarded && args.length === 1 && guarded.heard(String(args[0])))) print(...args);
  };
  try {
    const value = await load();
    if (!guarded) throw new Error('the MicroPython package exported no memory to guard');
    return [value, guarded];
  } finally {
    wasm.instantiate = original;
    Object.defineProperty(console, 'error', originalError);
  }
}

async function createInstance(): Promise<MicroPythonInstance> {
  loader ??= nativeImport<MicroPythonPackage>('@micropython/micropython-webassembly-pyscript');
  const micropython = await loader;
  // heapsize is where the GC heap starts; it grows on demand up to the memory's limit,
  // which an engine sets from the board (devices/engines/micropython).
  for (;;) {
    const [mp, memory] = await withGuardedMemory(() =>
      micropython.loadMicroPython({
        heapsize: 16 * 1024,
        // Python frames live on this stack (in words): ackermann nests ~500 calls.
        pystack: 16 * 1024,
        linebuffer: true,
        stdout: () => {},
      }),
    );
    // Another interpreter ran between its start-up and here: its globals are lost, make another.
    if (globals.Module !== mp._module) continue;
    memory.reserveInitialMemory((bytes) => mp._module._malloc(bytes));
    return new MicroPythonInstance(mp, memory);
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
