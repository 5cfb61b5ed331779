import { createRequire } from 'node:module';
import * as vm from 'node:vm';

const resolve = createRequire(__filename).resolve;

type Importer = (specifier: string) => Promise<unknown>;
let importer: Importer | undefined;

/**
 * `import(specifier)` through Node's own loader, in the main context. The emscripten
 * packages (wasmoon, MicroPython) call `import()` while they start, which a test runner's
 * module sandbox (Jest) cannot run; outside Jest this is plain `import()`. Nothing is
 * fetched: the .wasm files ship inside the npm packages.
 */
export function nativeImport<T>(specifier: string): Promise<T> {
  importer ??= process.env.JEST_WORKER_ID
    ? // Jest: only the main context's loader can import (Node marks this experimental).
      (vm.runInThisContext('(specifier) => import(specifier)', {
        importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
      }) as Importer)
    : // Elsewhere a plain import(), which tsc's CommonJS output would turn into require().
      // eslint-disable-next-line @typescript-eslint/no-implied-eval -- a fixed string, not input
      (new Function('specifier', 'return import(specifier)') as Importer);
  return importer(resolve(specifier)) as Promise<T>;
}

/**
 * The global object of Node's main context, where modules loaded by nativeImport() live:
 * under Jest it is not the test's `globalThis`.
 */
export function mainContextGlobal(): typeof globalThis {
  return vm.runInThisContext('globalThis') as typeof globalThis;
}
