export { prepareMicroPythonRuntime } from '../../../src/protocol/images/script';
export { MicroPythonScriptEngine } from './engine';
