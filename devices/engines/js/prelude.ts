/**
 * JavaScript evaluated in every fresh context before the program: the device API
 * (docs/guest-abi.md, "JavaScript") over `sys`, the host functions, which stay reachable
 * only through these closures. It returns the handler dispatcher the engine calls for
 * invoke(): the handler table lives here, and its index is the handler's "address".
 */
export const JS_PRELUDE = String.raw`(function (sys) {
  const handlers = [];
  const join = (args, separator) => args.map((a) => String(a)).join(separator);
  const add = (fn, what) => {
    if (typeof fn !== 'function') throw new TypeError(what + ': the handler must be a function');
    handlers.push(fn);
    return handlers.length - 1;
  };
  const api = {
    print: (...args) => sys.print(join(args, ' ') + '\n'),
    write: (...args) => sys.print(join(args, '')),
    publish: (name, value) => sys.publish(name, value),
    time_ms: () => sys.time_ms(),
    sleep_ms: (ms) => (sys.sleep_ms(ms), ms),
    exit: (code = 0) => sys.exit(code),
    hal: Object.freeze({
      probe: (sensor) => sys.hal_probe(sensor),
      read: (sensor, index = 0) => sys.hal_read(sensor, index),
      write: (actuator, index, value) => sys.hal_write(actuator, index, value),
    }),
    events: Object.freeze({
      on: (event, fn) => sys.on(event, add(fn, 'events.on')),
      on_condition: (sensor, index, op, threshold, periodMs, fn) =>
        sys.on_condition(sensor, index, op, threshold, periodMs, add(fn, 'events.on_condition')),
      emit: (id, value = 0) => sys.emit(id, value),
    }),
  };
  api.console = Object.freeze({ log: api.print });
  for (const [name, value] of Object.entries(api)) {
    Object.defineProperty(globalThis, name, { value, enumerable: false });
  }
  return (index, value) => {
    const fn = handlers[index];
    if (!fn) throw new RangeError('no event handler #' + index);
    return fn(value);
  };
})`;
