export { EbpfEngine, MAX_READ_BYTES, type EbpfEngineOptions } from './engine';
