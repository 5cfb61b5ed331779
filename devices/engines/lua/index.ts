export { LuaScriptEngine } from './engine';
export { prepareLuaRuntime } from '../../../src/protocol/images/script';
