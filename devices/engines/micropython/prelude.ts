/**
 * Python run once in each interpreter before any program: the device API
 * (docs/guest-abi.md, "Script VMs") over `__vmfleet_sys` (the host functions, a JS module),
 * and the sandbox. Names starting with `__vmfleet` and the API survive a reload; the
 * program's own globals do not. The budget hook is JS (budget-hook.ts); the program cannot
 * reach `micropython.schedule`, which could starve it. The WebAssembly port collects
 * garbage only when called from the host, never while Python code runs, so the live heap
 * is measured in `__vmfleet_disarm`, after each run.
 */
export const PYTHON_PRELUDE = String.raw`
import gc, builtins
import __vmfleet_sys as _sys

class __vmfleet_micropython:
    # What a program may use of the micropython module: not schedule(), kbd_intr().
    @staticmethod
    def const(value):
        return value

def __vmfleet_guard(real):
    # No way out of the sandbox: the js modules reach the host's globals.
    def guarded(name, *args):
        if name.startswith("js") or name.startswith("__vmfleet") or name in ("pyscript", "_pyscript"):
            raise ImportError("no module named '" + name + "'")
        if name == "micropython":
            return __vmfleet_micropython
        return real(name, *args)
    return guarded

builtins.__import__ = __vmfleet_guard(builtins.__import__)

__vmfleet_handlers = []

def __vmfleet_flush():
    # A pending check (the loop's jump): an interrupt the hook asked for as the last run
    # ended is raised here, where the host expects it, not in the next program.
    for _ in (0,):
        pass

def __vmfleet_disarm():
    __vmfleet_flush()
    # Called from the host, outside the program: the collector ran as the run returned.
    return gc.mem_alloc()

def __vmfleet_call(index, value):
    if index < 0 or index >= len(__vmfleet_handlers):
        raise IndexError("no event handler #" + str(index))
    result = __vmfleet_handlers[index](value)
    return result if isinstance(result, int) else 0

async def __vmfleet_end():
    pass

def __vmfleet_handler(fn, what):
    if not callable(fn):
        raise TypeError(what + ": the handler must be a function")
    __vmfleet_handlers.append(fn)
    return len(__vmfleet_handlers) - 1

def __vmfleet_clean(keep):
    g = globals()
    for name in list(g):
        if name not in keep:
            del g[name]
    __vmfleet_handlers.clear()
    gc.collect()

def __vmfleet_ck(result):
    if type(result) is str:
        raise RuntimeError(result)
    return result

def print(*args, sep=" ", end="\n"):
    __vmfleet_ck(_sys.print(sep.join([str(a) for a in args]) + end))

def publish(name, value):
    __vmfleet_ck(_sys.publish(name, value))

def time_ms():
    return __vmfleet_ck(_sys.time_ms())

def sleep_ms(ms):
    __vmfleet_ck(_sys.sleep_ms(ms))
    return __vmfleet_ck(_sys.pause())

def exit(code=0):
    __vmfleet_ck(_sys.exit(code))

class hal:
    @staticmethod
    def probe(sensor):
        return __vmfleet_ck(_sys.hal_probe(sensor))
    @staticmethod
    def read(sensor, index=0):
        return __vmfleet_ck(_sys.hal_read(sensor, index))
    @staticmethod
    def write(actuator, index, value):
        return __vmfleet_ck(_sys.hal_write(actuator, index, value))

class events:
    @staticmethod
    def on(event, fn):
        return __vmfleet_ck(_sys.on(event, __vmfleet_handler(fn, "events.on")))
    @staticmethod
    def on_condition(sensor, index, op, threshold, period_ms, fn):
        h = __vmfleet_handler(fn, "events.on_condition")
        return __vmfleet_ck(_sys.on_condition(sensor, index, op, threshold, period_ms, h))
    @staticmethod
    def emit(id, value=0):
        __vmfleet_ck(_sys.emit(id, value))
`;
