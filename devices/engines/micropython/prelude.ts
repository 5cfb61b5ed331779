/**
 * Python run once in each interpreter before any program: the device API
 * (docs/guest-abi.md, "Script VMs") over `__vmfleet_sys` (the host functions, a JS module),
 * and the budget hook. Names starting with `__vmfleet` and the API survive a reload; the
 * program's own globals do not.
 *
 * The hook: MicroPython has no settrace, but it runs scheduled callbacks at every pending
 * check (backward jumps, calls). `_tick` reschedules itself, counts those checks as
 * instructions, and asks the host to interrupt the program (KeyboardInterrupt) past the
 * budget, or when the heap (garbage included) passes the allocation cap, checked every 4096
 * ticks (gc.mem_alloc() scans the whole allocation table), as is the run's wall-time limit; again at every check if the program catches it. The WebAssembly port collects
 * garbage only when called from the host, never while Python code runs, so the live heap
 * is measured in `__vmfleet_disarm`, after each run.
 */
export const PYTHON_PRELUDE = String.raw`
import gc, micropython, builtins
import __vmfleet_sys as _sys

def __vmfleet_guard(real):
    # No way out of the sandbox: the js modules reach the host's globals.
    def guarded(name, *args):
        if name.startswith("js") or name.startswith("__vmfleet") or name in ("pyscript", "_pyscript"):
            raise ImportError("no module named '" + name + "'")
        return real(name, *args)
    return guarded

builtins.__import__ = __vmfleet_guard(builtins.__import__)

# ticks, tick limit, allocation cap, (unused), armed, scheduled
__vmfleet_st = [0, 0, 0, 0, 0, 0]
__vmfleet_handlers = []

def __vmfleet_tick(_):
    s = __vmfleet_st
    if not s[4]:
        s[5] = 0
        return
    n = s[0] + 1
    s[0] = n
    micropython.schedule(__vmfleet_tick, None)
    if n & 4095 == 0:
        if gc.mem_alloc() > s[2]:
            _sys.stop("memory")
        elif _sys.late():
            _sys.stop("time")
    if n >= s[1]:
        _sys.stop("budget")

def __vmfleet_arm(limit, heap):
    s = __vmfleet_st
    s[1] = limit
    s[2] = heap
    s[4] = 1
    if not s[5]:
        s[5] = 1
        micropython.schedule(__vmfleet_tick, None)

def __vmfleet_disarm():
    s = __vmfleet_st
    s[4] = 0
    # Called from the host, outside the program: here the collector can run.
    gc.collect()
    return str(s[0]) + "," + str(gc.mem_alloc())

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
    __vmfleet_st[0] = 0
    __vmfleet_st[3] = 0
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
    __vmfleet_st[1] = 0
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
