import type { FaultCode } from '../../devices/engines/engine';
import { WasmLoadError } from '../../devices/engines/wasm';
import { WasmLinkError } from '../../devices/engines/wasm/embed';
import { WasmImageError } from '../../src/protocol/images/wasm';

/**
 * Why a command is out of scope, as the README's table labels it: the engine imports
 * functions only (docs/guest-abi.md), and a binary decoder cannot check text modules.
 */
export const OUT_OF_SCOPE = {
  /** assert_malformed of a .wat module: malformed text, for a text parser to refuse. */
  text: 'wat',
  /** The module imports a table, memory or global (spectest's or a registered module's). */
  importedTable: 'table import',
  importedMemory: 'memory import',
  importedGlobal: 'global import',
  /** The command uses, registers or imports from a module that was out of scope. */
  dependent: 'uses such a module',
  /** An out-of-scope module imported this module's table or memory, so may have changed it. */
  changed: 'changed by such a module',
  /** Refused unknown_import, but the import section did not say which kind: never seen. */
  unreadableImports: 'unreadable imports',
} as const;

/** The spec's trap messages (the reference interpreter's) and our fault codes for them. */
const TRAPS: ReadonlyArray<[string, FaultCode]> = [
  ['integer divide by zero', 'divide_by_zero'],
  ['integer overflow', 'integer_overflow'],
  ['invalid conversion to integer', 'invalid_conversion'],
  ['out of bounds memory access', 'bad_address'],
  ['indirect call', 'indirect_call_mismatch'],
  ['undefined', 'undefined_element'],
  ['uninitialized', 'undefined_element'],
  ['unreachable', 'unreachable'],
  ['call stack exhausted', 'stack_exhausted'],
];

/** The spec's link error messages and our WasmLinkError codes for them. */
const LINK_ERRORS: ReadonlyArray<[string, WasmLinkError['code']]> = [
  ['unknown import', 'unknown_import'],
  ['incompatible import type', 'incompatible_import'],
  ['segment does not fit', 'segment_does_not_fit'],
];

/** A module the runner cannot use: its commands count as out of scope. */
export class OutOfScope extends Error {
  constructor(readonly reason: string) {
    super(reason);
  }
}

/** A failed assertion (the command counts as failed, with this message). */
export class Failed extends Error {}

/** The fault code of the spec's trap message `text`. */
export function trapCode(text: string): FaultCode {
  const code = TRAPS.find(([prefix]) => text.startsWith(prefix))?.[1];
  if (code === undefined) throw new Failed(`no fault code known for the trap "${text}"`);
  return code;
}

/** An instantiation's error (or its success) for a failure message. */
export function describe(error: unknown): string {
  if (error === undefined) return 'a module that instantiated';
  if (error instanceof WasmImageError || error instanceof WasmLinkError)
    return `${error.name} ${error.code}: ${error.message}`;
  if (error instanceof WasmLoadError) return `${error.name} ${error.code}: ${error.message}`;
  return error instanceof Error ? `${error.name}: ${error.message}` : JSON.stringify(error);
}

/** The WasmLinkError code of the spec's link error message `text`. */
export function linkErrorCode(text: string): WasmLinkError['code'] {
  const code = LINK_ERRORS.find(([message]) => text.includes(message))?.[1];
  if (code === undefined) throw new Failed(`no link error known for "${text}"`);
  return code;
}
