import { prepareMicroPythonRuntime } from '../../../src/guest-scripts';
import { describeApps } from '../script/testing/apps';
import { MicroPythonScriptEngine } from './engine';

describe('MicroPython demo apps (firmware/python/apps)', () => {
  describeApps(
    prepareMicroPythonRuntime,
    (l, h) => new MicroPythonScriptEngine(l, h),
    'python',
    '.py',
  );
});
