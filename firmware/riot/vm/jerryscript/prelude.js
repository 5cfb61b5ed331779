// The device API of the js engine (docs/guest-abi.md, "JavaScript"), evaluated in every
// fresh JerryScript context before the program. A copy of JS_PRELUDE in
// devices/engines/js/prelude.ts (test/riot-engine-js.e2e-spec.ts keeps their API names in
// step): `sys` holds the host functions (jerry_host.c), reachable only through these
// closures; the value is the handler dispatcher invoke() calls, the handler's "address"
// being its index in the table kept here.
(function (sys) {
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
})
