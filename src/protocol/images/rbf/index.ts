export { RbfError, type RbfErrorCode } from './errors';
export {
  buildRbf,
  parseRbf,
  RBF_FUNCTION_BYTES,
  RBF_HEADER_BYTES,
  RBF_MAGIC,
  type RbfFunction,
  type RbfImage,
} from './format';
export { ABI_HELPER_BASE, ABI_SYSCALLS, abiSyscallOf, FC_HELPERS, isKnownHelper } from './helpers';
export * from './layout';
export { validateRbfPayload, type RbfPayloadCheck } from './validate';
export { verifyRbf } from './verify';
