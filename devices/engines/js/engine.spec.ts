import { describeEngineBehaviour } from '../script/testing/engine-behaviour';
import { ScriptDevice, source } from '../script/testing/script-harness';
import { QuickJsScriptEngine } from './engine';
import { prepareJsRuntime } from '../../../src/guest-scripts';

const create = (...args: ConstructorParameters<typeof QuickJsScriptEngine>) =>
  new QuickJsScriptEngine(...args);

describe('QuickJsScriptEngine', () => {
  describeEngineBehaviour(prepareJsRuntime, create, {
    hello: 'print("hello", 42);',
    exit3: 'exit(3);\nprint("not reached");',
    endless: 'let i = 0;\nfor (;;) i++;',
    hog: 'const a = [];\nfor (let i = 0; ; i++) a.push("x".repeat(64) + i);',
    syntaxErrorLine3: 'let a = 1;\nlet b = 2;\nlet c = = 3;\n',
    runtimeError: 'const t = 1;\nthrow new Error("boom");',
    device: [
      'if (hal.read("temperature") > 0) print("temp ok");',
      'hal.write("led", 0, 1);',
      'publish("boot", 1);',
      'events.emit(150, 7);',
      'events.on("button", (v) => publish("pressed", v));',
      'events.on(100, (v) => publish("user", v));',
    ].join('\n'),
    // Checked once per interrupt poll (about 5,000 loop iterations): a tight loop overshoots.
    heapOvershoot: 6,
  });
});

describe('QuickJsScriptEngine specifics', () => {
  beforeAll(() => prepareJsRuntime());

  it('yield sleep_ms(ms) gives the device the CPU back and resumes after it', () => {
    const device = new ScriptDevice(create);
    device.engine.load(
      source('for (let i = 0; i < 2; i++) yield sleep_ms(100);\nprint(time_ms());'),
    );
    expect(device.engine.run(1e6)).toEqual({ kind: 'yielded', sleepMs: 100 });
    expect(device.engine.run(1e6)).toEqual({ kind: 'yielded', sleepMs: 100 });
    device.clockMs = 200;
    expect(device.engine.run(1e6)).toEqual({ kind: 'exited', code: 0 });
    expect(device.output).toBe('200\n');
  });

  it('a program that catches the budget interrupt is still stopped', () => {
    const device = new ScriptDevice(create);
    device.engine.load(source('for (;;) { try { for (;;); } catch (e) { print("caught"); } }'));
    expect(device.engine.run(100_000)).toMatchObject({ fault: { code: 'budget_exhausted' } });
    expect(device.output).toBe('');
  });

  it('refuses a program that breaks out of its wrapper before any of it runs', () => {
    const device = new ScriptDevice(create);
    const breakout = '})(); hal.write("led", 0, 1); print("ran"); (function* () {';
    expect(() => device.engine.load(source(breakout))).toThrow(/closes the function it runs in/);
    expect(device.output).toBe('');
    device.engine.load(source('print("next");'));
    expect(device.engine.run(1e6)).toEqual({ kind: 'exited', code: 0 });
    expect(device.output).toBe('next\n');
  });

  it('says step and memory reads are not supported', () => {
    const device = new ScriptDevice(create);
    expect(() => device.engine.step(1)).toThrow(/not supported/);
    expect(() => device.engine.readMemory(0, 4)).toThrow(/not supported/);
  });
});
