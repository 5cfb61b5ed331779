import { prepareLuaRuntime } from '../../../src/guest-scripts';
import { describeApps } from '../script/testing/apps';
import { LuaScriptEngine } from './engine';

describe('Lua demo apps (firmware/lua/apps)', () => {
  describeApps(prepareLuaRuntime, (l, h) => new LuaScriptEngine(l, h), 'lua', '.lua');
});
