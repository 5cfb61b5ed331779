import { prepareMicroPythonRuntime } from '../../../src/guest-scripts';
import { describeEngineBehaviour } from '../script/testing/engine-behaviour';
import { ScriptDevice, source } from '../script/testing/script-harness';
import { MicroPythonScriptEngine } from './engine';
import { GARBAGE_ALLOWANCE_BYTES } from './python-vm';

const create = (...args: ConstructorParameters<typeof MicroPythonScriptEngine>) =>
  new MicroPythonScriptEngine(...args);

describe('MicroPythonScriptEngine', () => {
  describeEngineBehaviour(prepareMicroPythonRuntime, create, {
    hello: 'print("hello", 42)',
    exit3: 'exit(3)\nprint("not reached")',
    endless: 'i = 0\nwhile True:\n    i += 1',
    hog: 'a = []\ni = 0\nwhile True:\n    a.append("x" * 64 + str(i))\n    i += 1',
    syntaxErrorLine3: 'a = 1\nb = 2\nc = = 3\n',
    runtimeError: 't = 1\nraise RuntimeError("boom")',
    device: [
      'if hal.read("temperature") > 0:',
      '    print("temp ok")',
      'hal.write("led", 0, 1)',
      'publish("boot", 1)',
      'events.emit(150, 7)',
      'events.on("button", lambda v: publish("pressed", v))',
      'events.on(100, lambda v: publish("user", v))',
    ].join('\n'),
    // Garbage is collected only between runs: within one the interpreter's memory may grow
    // by the grant and GARBAGE_ALLOWANCE_BYTES (40 MiB) before it is stopped. README.md.
    heapOvershoot: (96 * 1024 + GARBAGE_ALLOWANCE_BYTES) / (96 * 1024),
  });
});

describe('MicroPythonScriptEngine specifics', () => {
  beforeEach(() => prepareMicroPythonRuntime());

  it('await sleep_ms(ms) gives the device the CPU back and resumes after it', () => {
    const device = new ScriptDevice(create);
    device.engine.load(source('for i in range(2):\n    await sleep_ms(100)\nprint(time_ms())'));
    expect(device.engine.run(1e6)).toEqual({ kind: 'yielded', sleepMs: 100 });
    expect(device.engine.run(1e6)).toEqual({ kind: 'yielded', sleepMs: 100 });
    device.clockMs = 200;
    expect(device.engine.run(1e6)).toEqual({ kind: 'exited', code: 0 });
    expect(device.output).toBe('200\n');
  });

  it('a program that catches the budget interrupt is still stopped', () => {
    const device = new ScriptDevice(create);
    device.engine.load(
      source(
        'while True:\n    try:\n        while True: pass\n    except BaseException:\n        print("caught")',
      ),
    );
    expect(device.engine.run(100_000)).toMatchObject({ fault: { code: 'budget_exhausted' } });
  });

  it('keeps the js modules and the host out of reach', () => {
    const device = new ScriptDevice(create);
    device.engine.load(
      source(
        [
          'for name in ("js", "jsffi", "__vmfleet_sys"):',
          '    try:',
          '        __import__(name)',
          '        print("imported", name)',
          '    except ImportError:',
          '        pass',
          'print(getattr(_sys.print, "constructor", None))',
        ].join('\n'),
      ),
    );
    expect(device.runToEnd()).toEqual({ kind: 'exited', code: 0 });
    expect(device.output).toBe('None\n');
  });

  it('gives a program micropython.const but not micropython.schedule (the hook must run)', () => {
    const device = new ScriptDevice(create);
    device.engine.load(
      source(
        [
          'from micropython import const',
          'import micropython, sys',
          'X = const(3)',
          'print(X, hasattr(micropython, "schedule"), "micropython" in sys.modules)',
        ].join('\n'),
      ),
    );
    expect(device.runToEnd()).toEqual({ kind: 'exited', code: 0 });
    expect(device.output).toBe('3 False False\n');
  });

  it('two engines keep their own interpreters', () => {
    const a = new ScriptDevice(create);
    const b = new ScriptDevice(create);
    a.engine.load(source('x = 1\nevents.on(100, lambda v: print("a", x + v))'));
    b.engine.load(source('x = 2\nevents.on(100, lambda v: print("b", x + v))'));
    a.runToEnd();
    b.runToEnd();
    a.engine.invoke(0, [10]);
    b.engine.invoke(0, [20]);
    expect(a.runToEnd()).toEqual({ kind: 'returned', value: 0 });
    expect(b.runToEnd()).toEqual({ kind: 'returned', value: 0 });
    expect([a.output, b.output]).toEqual(['a 11\n', 'b 22\n']);
  });

  it('says step and memory reads are not supported', () => {
    const device = new ScriptDevice(create);
    expect(() => device.engine.step(1)).toThrow(/not supported/);
    expect(() => device.engine.readMemory(0, 4)).toThrow(/not supported/);
  });
});
