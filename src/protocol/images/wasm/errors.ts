/**
 * Stable reasons a `.wasm` payload is refused, shared by the gateway's upload check and the
 * device's load(): the same code and message wherever the module is rejected.
 */
export type WasmImageErrorCode =
  | 'bad_magic' // not "\0asm"
  | 'unsupported_version' // a binary format version other than 1
  | 'malformed' // the bytes do not decode (WebAssembly Core Spec §5)
  | 'unsupported_feature' // decodes, but needs a post-MVP proposal (multi-value, bulk memory, …)
  | 'type_mismatch' // a function body fails validation (§3.3)
  | 'invalid_index' // a type, function, local, global, label, table or memory index out of range
  | 'bad_limits' // table or memory limits out of range (§3.2.1)
  | 'unknown_import' // an import other than a vmfleet function of the guest ABI
  | 'import_signature' // a vmfleet import whose type differs from the guest ABI's
  | 'bad_export' // a duplicate export name
  | 'no_entry' // no exported `_start` of type [] -> [] or [] -> [i32]
  | 'bad_start' // a start function that is not [] -> []
  | 'bad_constant' // a global initializer or segment offset that is not a constant of its type
  | 'bad_segment' // an element or data segment outside its table or memory
  | 'too_large'; // over a limit of this implementation (module, function, locals, …)

export class WasmImageError extends Error {
  constructor(
    readonly code: WasmImageErrorCode,
    message: string,
    /** Byte offset in the module where the problem was found. */
    readonly offset?: number,
  ) {
    super(message);
    this.name = 'WasmImageError';
  }
}

/** `0x1f` style offsets, as wasm-objdump prints them. */
export const hexOffset = (offset: number) => `0x${offset.toString(16)}`;
