export { checkReadLength, GuestAccessError, hex, MAX_READ_BYTES } from './guest-memory';
export { BytecodeEngine, checkInvokeArgCount } from './lifecycle';
