import { describeEngineBehaviour } from '../script/testing/engine-behaviour';
import { ScriptDevice, source } from '../script/testing/script-harness';
import { LuaScriptEngine } from './engine';
import { prepareLuaRuntime } from '../../../src/guest-scripts';

const create = (...args: ConstructorParameters<typeof LuaScriptEngine>) =>
  new LuaScriptEngine(...args);

describe('LuaScriptEngine', () => {
  describeEngineBehaviour(prepareLuaRuntime, create, {
    hello: 'print("hello " .. 42)',
    exit3: 'exit(3)\nprint("not reached")',
    endless: 'local i = 0\nwhile true do i = i + 1 end',
    hog: 'local t = {}\nfor i = 1, 1e9 do t[i] = ("x"):rep(64) .. i end',
    syntaxErrorLine3: 'local a = 1\nlocal b = 2\nlocal c = = 3\n',
    runtimeError: 'local t = nil\nerror("boom")',
    device: [
      'if hal.read("temperature") > 0 then print("temp ok") end',
      'hal.write("led", 0, 1)',
      'publish("boot", 1)',
      'events.emit(150, 7)',
      'events.on("button", function(v) publish("pressed", v) end)',
      'events.on(100, function(v) publish("user", v) end)',
    ].join('\n'),
    heapOvershoot: 1,
  });
});

describe('LuaScriptEngine specifics', () => {
  beforeAll(() => prepareLuaRuntime());

  it('resumes a sliced run exactly where it stopped', () => {
    const device = new ScriptDevice(create);
    device.engine.load(source('local s = 0\nfor i = 1, 100000 do s = s + i end\nprint(s)'));
    expect(device.runToEnd(1e9, 1000)).toEqual({ kind: 'exited', code: 0 });
    expect(device.output).toBe('5000050000\n');
  });

  it('sleep_ms yields to the device with the time to sleep', () => {
    const device = new ScriptDevice(create);
    device.engine.load(source('sleep_ms(250)\nprint(time_ms())'));
    expect(device.engine.run(1e6)).toEqual({ kind: 'yielded', sleepMs: 250 });
    device.clockMs = 250;
    expect(device.engine.run(1e6)).toEqual({ kind: 'exited', code: 0 });
    expect(device.output).toBe('250\n');
  });

  it('inspect() shows the current line and the locals', () => {
    const device = new ScriptDevice(create);
    device.engine.load(
      source('local count = 7\nlocal name = "x"\nwhile true do count = count + 0 end'),
    );
    expect(device.engine.step(50)).toEqual({ kind: 'budget' });
    const inspection = device.engine.inspect();
    expect(inspection).toMatchObject({ line: 3, pc: 3, variables: { count: '7', name: 'x' } });
    expect(inspection.instructions).toBe(50);
  });

  it('does not let the program reach io, os or the debug library', () => {
    const device = new ScriptDevice(create);
    device.engine.load(source('print(io, os, debug, require, dofile)'));
    device.runToEnd();
    expect(device.output).toBe('nil\tnil\tnil\tnil\tnil\n');
  });

  it('says memory reads are not supported', () => {
    const device = new ScriptDevice(create);
    expect(() => device.engine.readMemory(0, 4)).toThrow(/not supported/);
  });
});
