export {
  MAX_MEMORY_BYTES,
  MAX_READ_BYTES,
  WasmEngine,
  type WasmEngineOptions,
  type WasmMode,
} from './engine';
export { DEFAULT_STACK_LIMITS, type StackLimits } from './machine';
export { WasmLoadError } from './program';
