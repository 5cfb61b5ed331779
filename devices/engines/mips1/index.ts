export { INVOKE_RETURN_ADDRESS, MAX_READ_BYTES, MIN_MEMORY_BYTES, Mips1Engine } from './engine';
export { GuestAccessError } from '../core';
export { MAX_MEMORY_BYTES } from './memory';
export { DEFAULT_STACK_BYTES, Mips1LoadError } from './program';
export { REGISTER_NAMES } from './registers';
