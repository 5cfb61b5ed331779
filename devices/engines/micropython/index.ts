export { prepareMicroPythonRuntime } from '../../../src/guest-scripts';
export { MicroPythonScriptEngine } from './engine';
import { PythonVm } from './python-vm';

/** Whether a MicroPython engine can be created now (an interpreter is free). */
export const microPythonEngineReady = (): boolean => PythonVm.ready();
