export { QuickJsScriptEngine } from './engine';
export { prepareJsRuntime } from '../../../src/guest-scripts';
