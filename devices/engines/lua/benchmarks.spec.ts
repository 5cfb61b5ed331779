import { describeBenchmarks } from '../script/testing/benchmarks';
import { LuaScriptEngine } from './engine';
import { prepareLuaRuntime } from '../../../src/guest-scripts';

describe('Lua benchmarks (firmware/lua/bench)', () => {
  describeBenchmarks(prepareLuaRuntime, (l, h) => new LuaScriptEngine(l, h), 'lua/bench', '.lua');
});
