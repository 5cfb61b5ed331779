export { LuaScriptEngine } from './engine';
export { prepareLuaRuntime } from '../../../src/guest-scripts';
