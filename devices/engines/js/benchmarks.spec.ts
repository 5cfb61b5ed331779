import { describeBenchmarks } from '../script/testing/benchmarks';
import { QuickJsScriptEngine } from './engine';
import { prepareJsRuntime } from '../../../src/guest-scripts';

describe('JavaScript benchmarks (firmware/js/bench)', () => {
  describeBenchmarks(prepareJsRuntime, (l, h) => new QuickJsScriptEngine(l, h), 'js/bench', '.js');
});
