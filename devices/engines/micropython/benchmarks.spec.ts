import { prepareMicroPythonRuntime } from '../../../src/guest-scripts';
import { describeBenchmarks } from '../script/testing/benchmarks';
import { MicroPythonScriptEngine } from './engine';

describe('MicroPython benchmarks (firmware/python/bench)', () => {
  describeBenchmarks(
    prepareMicroPythonRuntime,
    (l, h) => new MicroPythonScriptEngine(l, h),
    'python/bench',
    '.py',
  );
});
