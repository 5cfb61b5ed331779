import type { LuaEngine as WasmoonState } from 'wasmoon';
import { checkInvokeArgCount } from '../core';
import type {
  Engine,
  EngineLimits,
  EngineState,
  GuestHost,
  Inspection,
  LoadReport,
  MemoryReport,
  RunOutcome,
} from '../engine';
import { NotSupportedError } from '../engine';
import { scriptFault, stopOutcome } from '../script/faults';
import { GuestCalls } from '../script/guest-calls';
import {
  AnchoredThread,
  createLuaState,
  inspectThread,
  newThread,
  pushHandler,
  releaseThread,
} from './lua-state';
import {
  compileLuaChunk,
  decodeSource,
  LUA_GUEST_LINE,
  lineOf,
  luaRuntime,
  LuaRuntime,
  LuaWasm,
} from '../../../src/guest-scripts';

/** lua_resume results (lua.h). */
const LUA_OK = 0;
const LUA_YIELD = 1;
const LUA_ERRMEM = 4;
const LUA_MASKCOUNT = 8;
/** The count hook fires every this many VM instructions (fewer when the budget is smaller). */
const HOOK_INTERVAL = 1000;

/**
 * Lua 5.4 (wasmoon: the reference C implementation in WebAssembly) behind the Engine
 * interface. The program runs as a coroutine; a count hook charges the budget and yields
 * when it runs out, so run() slices resume exactly where they stopped. See README.md.
 */
export class LuaScriptEngine implements Engine {
  readonly kind = 'lua' as const;
  private readonly runtime: LuaRuntime = luaRuntime();
  private readonly lua: LuaWasm = this.runtime.module;
  private readonly calls: GuestCalls;
  private readonly hook: number;
  private vm: WasmoonState;
  private source = '';
  private state_: EngineState = 'idle';
  private main?: AnchoredThread;
  private current?: AnchoredThread;
  /** State to return to when an invoked handler finishes. */
  private beforeInvoke: EngineState = 'loaded';
  private pendingArgs = 0;
  /** exited or fault: reported again by run() until reset() or load(). */
  private final?: RunOutcome;
  private exitCode = 0;
  private instructions = 0;
  private remaining = 0;
  private hookCount = HOOK_INTERVAL;
  private peak = 0;

  constructor(
    private readonly limits: EngineLimits,
    host: GuestHost,
  ) {
    this.calls = new GuestCalls(host);
    this.hook = this.lua.module.addFunction((L: number) => this.onHook(L), 'vii');
    this.vm = createLuaState(this.runtime, this.calls, limits.memoryBytes);
  }

  get state(): EngineState {
    return this.state_;
  }

  load(image: Uint8Array): LoadReport {
    const started = performance.now();
    const source = decodeSource(image, 'Lua');
    const previous = this.main ? this.source : undefined;
    try {
      this.start(source);
    } catch (error) {
      // fresh() closed the old state: a failed load keeps the old program, from its start.
      if (previous === undefined) this.state_ = 'idle';
      else this.start(previous);
      throw error;
    }
    const loadTimeMs = performance.now() - started;
    return { loadTimeMs, imageBytes: image.length, guestMemoryBytes: this.limits.memoryBytes };
  }

  run(budget: number): RunOutcome {
    if (this.final) return this.final;
    if (this.state_ === 'idle') throw new Error('no Lua program loaded');
    if (this.state_ === 'exited') return { kind: 'exited', code: this.exitCode };
    if (budget <= 0) return { kind: 'budget' };
    const current = this.current!;
    this.remaining = budget;
    this.hookCount = Math.min(HOOK_INTERVAL, budget);
    this.lua.lua_sethook(current.thread.address, this.hook, LUA_MASKCOUNT, this.hookCount);
    this.state_ = 'running';
    this.calls.pendingSleepMs = null;
    const args = this.pendingArgs;
    this.pendingArgs = 0;
    const { result, resultCount } = current.thread.resume(args);
    this.notePeak();
    return this.settle(current, result, resultCount);
  }

  step(n: number): RunOutcome {
    return this.run(n);
  }

  reset(): void {
    if (this.state_ === 'idle') return;
    this.load(new TextEncoder().encode(this.source));
  }

  invoke(address: number, args: readonly number[]): void {
    if (this.state_ !== 'loaded' && this.state_ !== 'exited') {
      throw new Error(`cannot invoke a handler while the program is ${this.state_}`);
    }
    checkInvokeArgCount(args);
    const handler = newThread(this.vm.global);
    if (!pushHandler(this.vm.global, handler.thread, address)) {
      releaseThread(this.vm.global, handler);
      this.finish(scriptFault('bad_address', `no event handler #${address}`));
      return;
    }
    for (const arg of args) handler.thread.pushValue(arg | 0);
    this.pendingArgs = args.length;
    this.beforeInvoke = this.state_;
    this.current = handler;
    this.state_ = 'running';
  }

  /**
   * The line and locals are read only when asked for: the debug calls on a coroutine that
   * yielded in the count hook raise its frame top for good (Lua 5.4's luaD_hook never
   * restores it), so the device's per-slice instruction count must not make them, or an
   * endless loop slowly runs its stack into the board's memory limit (out_of_memory).
   */
  inspect(): Inspection {
    let where: { line: number; variables: Record<string, string> } | undefined;
    const at = () =>
      (where ??= this.current
        ? inspectThread(this.vm.global, this.current)
        : { line: 0, variables: {} });
    const inspection = { state: this.state_, instructions: this.instructions } as Inspection;
    const lazy = (get: () => unknown) => ({ get, enumerable: true, configurable: true });
    return Object.defineProperties(inspection, {
      pc: lazy(() => at().line),
      line: lazy(() => at().line),
      registers: lazy(() => ({ line: at().line })),
      variables: lazy(() => at().variables),
    });
  }

  readMemory(): Uint8Array {
    throw new NotSupportedError(
      'a Lua program has no flat guest memory; registers show its line and locals',
    );
  }

  memory(): MemoryReport {
    this.notePeak();
    return {
      guestBytes: this.limits.memoryBytes,
      peakGuestBytes: this.peak,
      engineBytes: this.source.length,
    };
  }

  /** Closes the Lua state and frees the hook; the engine cannot be used afterwards. */
  dispose(): void {
    this.vm.global.close();
    this.lua.module.removeFunction(this.hook);
  }

  private start(source: string): void {
    this.fresh();
    this.main = this.compile(source);
    this.source = source;
    this.current = this.main;
    this.state_ = 'loaded';
  }

  private fresh(): void {
    if (this.state_ !== 'idle' || this.main) {
      this.vm.global.close();
      this.vm = createLuaState(this.runtime, this.calls, this.limits.memoryBytes);
    }
    this.calls.clear();
    this.final = undefined;
    this.main = this.current = undefined;
    this.instructions = this.peak = this.exitCode = this.pendingArgs = 0;
  }

  private compile(source: string): AnchoredThread {
    const main = newThread(this.vm.global);
    compileLuaChunk(main.thread, source);
    return main;
  }

  private onHook(L: number): void {
    this.instructions += this.hookCount;
    this.remaining -= this.hookCount;
    if (this.calls.stop) {
      // The script caught the error that exit() or a refused call raised: raise it again.
      this.lua.lua_pushstring(L, 'stopped by the device');
      this.lua.lua_error(L);
      return;
    }
    // Only the engine's own coroutine yields here; the program's coroutines run on.
    if (this.remaining <= 0 && L === this.current?.thread.address) this.lua.lua_yield(L, 0);
  }

  private notePeak(): void {
    this.peak = Math.max(this.peak, this.vm.global.getMemoryUsed());
  }

  private settle(current: AnchoredThread, result: number, count: number): RunOutcome {
    if (result === LUA_YIELD) {
      current.thread.pop(count);
      const sleepMs = this.calls.pendingSleepMs;
      if (sleepMs !== null) return { kind: 'yielded', sleepMs };
      return this.remaining <= 0 ? { kind: 'budget' } : { kind: 'yielded', sleepMs: 0 };
    }
    if (this.calls.stop) return this.finish(stopOutcome(this.calls.stop, this.lineOf(current)));
    if (result === LUA_OK) return this.completed(current, count);
    const message = String(current.thread.getValue(-1));
    const line = lineOf(message, LUA_GUEST_LINE) ?? 0;
    if (result === LUA_ERRMEM) {
      const why = `the script needs more than the ${this.limits.memoryBytes} bytes the board grants`;
      return this.finish(scriptFault('out_of_memory', `not enough memory: ${why}`, line));
    }
    return this.finish(scriptFault('guest_error', message, line));
  }

  /** main returned (its integer result is the exit code), or a handler did. */
  private completed(current: AnchoredThread, count: number): RunOutcome {
    const value = count > 0 ? Number(current.thread.getValue(-count)) : 0;
    current.thread.setTop(0);
    const code = Number.isInteger(value) ? value | 0 : 0;
    if (current === this.main) {
      this.state_ = 'exited';
      this.exitCode = code;
      return { kind: 'exited', code };
    }
    releaseThread(this.vm.global, current);
    this.current = this.main;
    this.state_ = this.beforeInvoke;
    return { kind: 'returned', value: code };
  }

  private finish(outcome: RunOutcome): RunOutcome {
    this.state_ = outcome.kind === 'exited' ? 'exited' : 'faulted';
    if (outcome.kind === 'exited') this.exitCode = outcome.code;
    this.final = outcome;
    return outcome;
  }

  private lineOf(current: AnchoredThread): number {
    return inspectThread(this.vm.global, current).line;
  }
}
