export { QuickJsScriptEngine } from './engine';
export { prepareJsRuntime } from '../../../src/protocol/images/script';
