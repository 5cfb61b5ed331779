export {
  abiImport,
  guestImport,
  WASI_CALL_BASE,
  WASI_FUNCTIONS,
  WASI_IMPORT_MODULE,
  WASM_ABI_IMPORTS,
  WASM_ENTRY_EXPORT,
  WASM_IMPORT_MODULE,
  type AbiImport,
} from './abi';
export { decodeModule } from './decode';
export { hexOffset, WasmImageError, type WasmImageErrorCode } from './errors';
export { InstructionReader, type Instruction } from './instructions';
export { WASM_LIMITS } from './limits';
export { BLOCK_TYPE_EMPTY, MEMORY, NUMERIC, Opcode, opcodeName } from './opcodes';
export { validateWasmPayload, type WasmPayloadCheck, type WasmPayloadNeeds } from './payload';
export * from './types';
export {
  parseWasmModule,
  typeText,
  validateModule,
  type StaticLayout,
  type ValidatedModule,
} from './validate';
export { validateFunction, type FunctionInfo } from './validate-code';
