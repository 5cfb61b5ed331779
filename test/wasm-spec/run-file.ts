import { readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { WasmMode } from '../../devices/engines/wasm';
import {
  WasmInstance,
  WasmLinkError,
  WasmStartTrap,
  type CallResult,
  type ImportResolver,
  type WasmInstanceOptions,
} from '../../devices/engines/wasm/embed';
import { WasmImageError, type ConstBits } from '../../src/protocol/images/wasm';
import { matches, showBits, showJson, toBits, type JsonValue } from './values';
import {
  describe,
  Failed,
  linkErrorCode,
  OUT_OF_SCOPE,
  OutOfScope,
  trapCode,
} from './expectations';
import { importsOf } from './imports';
import { spectestImport } from './spectest';

/** One command of a wast2json file (only the fields the runner reads). */
interface Command {
  type: string;
  line: number;
  filename?: string;
  name?: string;
  as?: string;
  text?: string;
  module_type?: 'binary' | 'text';
  action?: { type: 'invoke' | 'get'; module?: string; field: string; args?: JsonValue[] };
  expected?: JsonValue[];
}

/** What one .wast file did on one interpreter mode. */
export interface FileReport {
  file: string;
  mode: WasmMode;
  commands: number;
  passed: number;
  /** `line N: what went wrong`, one per failed command. */
  failures: string[];
  /** Commands outside the engine's scope, counted by reason. */
  outOfScope: Map<string, number>;
}

/** Cap on linear memory: memory_grow.wast grows a memory to 804 pages. */
export const SPEC_MEMORY_BYTES = 64 * 1024 * 1024;

/** A module of the script, or why it is out of scope. */
type Slot = WasmInstance | OutOfScope;

/**
 * Runs the commands of one wast2json file (WebAssembly spec interpreter's script format,
 * the testsuite's README) against WasmInstance in `mode`; never throws for a failing
 * command, it records it.
 */
export function runSpecFile(jsonPath: string, mode: WasmMode): FileReport {
  const dir = dirname(jsonPath);
  const { commands } = JSON.parse(readFileSync(jsonPath, 'utf8')) as { commands: Command[] };
  const report: FileReport = {
    file: `${basename(jsonPath, '.json')}.wast`,
    mode,
    commands: commands.length,
    passed: 0,
    failures: [],
    outOfScope: new Map(),
  };
  const script = new Script(dir, mode);
  for (const command of commands) {
    try {
      script.run(command);
      report.passed++;
    } catch (error) {
      if (error instanceof OutOfScope) {
        report.outOfScope.set(error.reason, (report.outOfScope.get(error.reason) ?? 0) + 1);
      } else {
        const message = error instanceof Error ? error.message : String(error);
        report.failures.push(`line ${command.line} ${command.type}: ${message}`);
      }
    }
  }
  return report;
}

/** The state of one script: the current module, named modules, registered names. */
class Script {
  private current: Slot | null = null;
  private readonly named = new Map<string, Slot>();
  private readonly registered = new Map<string, Slot>();
  /** Instances an out-of-scope module imported a table or memory of. */
  private readonly tainted = new Set<WasmInstance>();

  constructor(
    private readonly dir: string,
    private readonly mode: WasmMode,
  ) {}

  run(c: Command): void {
    switch (c.type) {
      case 'module':
        return this.module(c);
      case 'register': {
        const slot = this.slot(c.name);
        this.registered.set(c.as!, slot);
        if (slot instanceof OutOfScope) throw new OutOfScope(OUT_OF_SCOPE.dependent);
        return;
      }
      case 'action':
        return void this.succeed(c);
      case 'assert_return':
        return this.assertReturn(c);
      case 'assert_trap':
      case 'assert_exhaustion':
        return this.assertTrap(c);
      case 'assert_invalid':
      case 'assert_malformed':
        return this.assertRefused(c);
      case 'assert_unlinkable':
        return this.assertUnlinkable(c);
      case 'assert_uninstantiable':
        return this.assertUninstantiable(c);
      default:
        throw new Failed(`unknown command type ${c.type}`);
    }
  }

  private module(c: Command): void {
    let slot: Slot;
    try {
      slot = this.instantiate(c);
    } catch (error) {
      if (!(error instanceof OutOfScope)) throw error;
      slot = error;
    }
    this.current = slot;
    if (c.name !== undefined) this.named.set(c.name, slot);
    if (slot instanceof OutOfScope) throw slot;
  }

  /** Instantiates the command's .wasm; out-of-scope imports throw OutOfScope. */
  private instantiate(c: Command): WasmInstance {
    const bytes = new Uint8Array(readFileSync(join(this.dir, c.filename!)));
    const options: WasmInstanceOptions = {
      mode: this.mode,
      memoryBytes: SPEC_MEMORY_BYTES,
      imports: this.resolver(),
    };
    try {
      return WasmInstance.instantiate(bytes, options);
    } catch (error) {
      // validateModule's only unknown_import: a table, memory or global import.
      if (error instanceof WasmImageError && error.code === 'unknown_import')
        throw this.outOfScope(bytes);
      throw error;
    }
  }

  /**
   * Why a module with table, memory or global imports is out of scope. A registered
   * module whose table or memory it imports could have been changed by it (segments, start
   * function), so commands on that module are out of scope from here on too.
   */
  private outOfScope(bytes: Uint8Array): OutOfScope {
    const imports = importsOf(bytes);
    for (const { module, kind } of imports) {
      const slot = this.registered.get(module);
      if ((kind === 'table' || kind === 'memory') && slot instanceof WasmInstance)
        this.tainted.add(slot);
    }
    const kinds = new Set(imports.map((i) => i.kind));
    if (kinds.has('table')) return new OutOfScope(OUT_OF_SCOPE.importedTable);
    if (kinds.has('memory')) return new OutOfScope(OUT_OF_SCOPE.importedMemory);
    if (kinds.has('global')) return new OutOfScope(OUT_OF_SCOPE.importedGlobal);
    return new OutOfScope(OUT_OF_SCOPE.unreadableImports);
  }

  private resolver(): ImportResolver {
    return (module, name) => {
      if (module === 'spectest') return spectestImport(name);
      const slot = this.registered.get(module);
      if (slot === undefined) return undefined;
      if (slot instanceof OutOfScope || this.tainted.has(slot))
        throw new OutOfScope(OUT_OF_SCOPE.dependent);
      const kind = slot.exports().get(name);
      if (kind === undefined) return undefined;
      if (kind !== 'func') return 'not_a_function';
      const exported = slot.exportedFunction(name);
      return {
        type: exported.type,
        call: (args) => {
          // Its instance may be tainted since this module was linked to it.
          if (this.tainted.has(slot)) throw new OutOfScope(OUT_OF_SCOPE.changed);
          return exported.call(args);
        },
      };
    };
  }

  private slot(name: string | undefined): Slot {
    const slot = name === undefined ? this.current : this.named.get(name);
    if (slot === undefined || slot === null) throw new Failed(`no module ${name ?? ''}`);
    return slot;
  }

  private instance(name: string | undefined): WasmInstance {
    const slot = this.slot(name);
    if (slot instanceof OutOfScope) throw new OutOfScope(OUT_OF_SCOPE.dependent);
    if (this.tainted.has(slot)) throw new OutOfScope(OUT_OF_SCOPE.changed);
    return slot;
  }

  /** Performs the command's action: the results, or the fault it ended in. */
  private act(c: Command): CallResult {
    const action = c.action!;
    const instance = this.instance(action.module);
    if (action.type === 'get')
      return { kind: 'returned', results: [instance.global(action.field)] };
    return instance.invoke(action.field, (action.args ?? []).map(toBits));
  }

  private succeed(c: Command): ConstBits[] {
    const outcome = this.act(c);
    if (outcome.kind === 'fault')
      throw new Failed(
        `${c.action!.field} trapped: ${outcome.fault.code}: ${outcome.fault.message}`,
      );
    return outcome.results;
  }

  private assertReturn(c: Command): void {
    const results = this.succeed(c);
    const expected = c.expected ?? [];
    const same =
      results.length === expected.length && expected.every((e, i) => matches(e, results[i]));
    if (!same) {
      throw new Failed(
        `${c.action!.field}(${(c.action!.args ?? []).map(showJson).join(', ')}) returned [${results.map(showBits).join(', ')}], expected [${expected.map(showJson).join(', ')}]`,
      );
    }
  }

  private assertTrap(c: Command): void {
    const outcome = this.act(c);
    const wanted = trapCode(c.text!);
    if (outcome.kind !== 'fault')
      throw new Failed(
        `${c.action!.field} returned [${outcome.results.map(showBits).join(', ')}], expected a trap "${c.text}"`,
      );
    if (outcome.fault.code !== wanted)
      throw new Failed(
        `${c.action!.field} trapped ${outcome.fault.code} (${outcome.fault.message}), expected ${wanted} ("${c.text}")`,
      );
  }

  /** assert_invalid / assert_malformed: our decoder or validator must refuse the binary. */
  private assertRefused(c: Command): void {
    if (c.module_type === 'text') throw new OutOfScope(OUT_OF_SCOPE.text);
    let error: unknown;
    try {
      this.instantiate(c);
    } catch (caught) {
      error = caught;
    }
    if (error instanceof OutOfScope) throw error;
    if (!(error instanceof WasmImageError))
      throw new Failed(
        `accepted a module the spec calls ${c.type.slice(7)} ("${c.text}"): ${describe(error)}`,
      );
  }

  private assertUnlinkable(c: Command): void {
    const wanted = linkErrorCode(c.text!);
    const error = this.failure(c);
    if (!(error instanceof WasmLinkError) || error.code !== wanted)
      throw new Failed(`expected link error ${wanted} ("${c.text}"), got ${describe(error)}`);
  }

  private assertUninstantiable(c: Command): void {
    const error = this.failure(c);
    if (!(error instanceof WasmStartTrap) || error.fault.code !== trapCode(c.text!))
      throw new Failed(`expected the start function to trap "${c.text}", got ${describe(error)}`);
  }

  /** The error instantiating the command's module fails with (OutOfScope passes through). */
  private failure(c: Command): unknown {
    try {
      this.instantiate(c);
    } catch (error) {
      if (error instanceof OutOfScope) throw error;
      return error;
    }
    return undefined;
  }
}
