import { AOT } from './instrument';
import {
  COMMAND,
  CONTROL,
  STOP,
  TRAP_CODES,
  WHY_BAD_ADDRESS,
  WHY_CALL_DEPTH,
  WHY_C_STACK,
  WHY_NAN,
} from './protocol';

/**
 * The worker that holds the guest's WebAssembly instance, as a self-contained CommonJS
 * source (`new Worker(source, { eval: true })` runs it the same under ts-jest and from
 * dist/). It waits on the control block for a command (load, start, invoke, resume);
 * fuel-out and every guest import write their stop into the block and wait until the main
 * thread continues the run, so V8's stack stays suspended in between. A command other than
 * resume while suspended unwinds the guest (ABORT) and is then carried out.
 */
export const WORKER_SOURCE = `
'use strict';
const { workerData, receiveMessageOnPort } = require('node:worker_threads');
const C = ${JSON.stringify(CONTROL)};
const CMD = ${JSON.stringify(COMMAND)};
const STOP = ${JSON.stringify(STOP)};
const AOT = ${JSON.stringify(AOT)};
const CODES = ${JSON.stringify(TRAP_CODES)};
const ctl = new Int32Array(workerData.control);
const f64 = new Float64Array(workerData.control);
const text = new Uint8Array(workerData.control, C.messageByte, C.messageBytes);
const port = workerData.port;
const CHUNK = 2 ** 30;
const ABORT = Symbol('abort');
let module = null;
let memory = null;
let exp = null;
let granted = 0;
let reported = 0;
let left = 0;
let pending = 0;
let guest = [0, 0];
// The part of a run's budget left when the next stretch did not fit: reported as spent at
// the budget stop (so run(n) that returns budget accounts exactly n) and granted again to
// the next run, so sliced runs still add up to the count of one run.
let credit = 0;
// Answers of the imports a main-thread run already had the host serve (inline.ts), given
// back in order without a stop: the value and the bytes the host wrote into guest memory.
let replay = [];
let replayed = 0;

function take() {
  while (Atomics.load(ctl, C.toWorker) === 0) Atomics.wait(ctl, C.toWorker, 0);
  Atomics.store(ctl, C.toWorker, 0);
  return ctl[C.command];
}

function answer(stop, held) {
  if (exp !== null) {
    const used = granted - exp[AOT.fuel].value - held - reported;
    reported += used;
    f64[C.spentSlot] = used;
    ctl[C.lowest] = exp[AOT.lowest].value;
  } else f64[C.spentSlot] = 0;
  ctl[C.stop] = stop;
  Atomics.store(ctl, C.toMain, 1);
  Atomics.notify(ctl, C.toMain);
}

function budget(first) {
  const b = f64[C.budgetSlot];
  const chunk = Math.min(b, CHUNK);
  left = b - chunk;
  granted = chunk + credit;
  reported = credit;
  exp[AOT.fuel].value = chunk + credit - first;
  credit = 0;
}

function suspend() {
  let cmd = take();
  while (cmd === CMD.where) {
    // The main thread asks where the guest is stopped (a syscall that faulted): the
    // innermost guest frame of this stack, then the worker stays suspended.
    const [func, offset] = where(new Error());
    ctl[C.args] = func;
    ctl[C.args + 1] = offset;
    answer(STOP.ready, 0);
    cmd = take();
  }
  if (cmd !== CMD.resume) {
    pending = cmd;
    throw ABORT;
  }
}

function fuelOut(cost) {
  const fuel = exp[AOT.fuel];
  while (fuel.value < 0 && left > 0) {
    const chunk = Math.min(left, CHUNK);
    left -= chunk;
    granted += chunk;
    fuel.value += chunk;
  }
  if (fuel.value >= 0) return;
  const unspent = fuel.value + cost;
  credit = unspent > 0 ? unspent : 0;
  answer(STOP.budget, cost - credit);
  suspend();
  budget(cost);
}

function syscall(index, args) {
  if (replayed < replay.length) {
    const { value, writes } = replay[replayed++];
    for (const [at, bytes] of writes) new Uint8Array(memory.buffer).set(bytes, at);
    return value;
  }
  ctl[C.value] = index;
  ctl[C.extra] = args.length;
  for (let j = 0; j < args.length && j < 4; j++) {
    const a = args[j];
    const big = typeof a === 'bigint' ? a : BigInt(Math.trunc(Number(a)) | 0);
    ctl[C.args + 2 * j] = Number(BigInt.asIntN(32, big));
    ctl[C.args + 2 * j + 1] = Number(BigInt.asIntN(32, big >> 32n));
  }
  answer(STOP.syscall, 0);
  suspend();
  if (ctl[C.extra] === 1) budget(0);
  return ctl[C.value];
}

function instantiate() {
  const imports = { [AOT.module]: { [AOT.fuelOut]: fuelOut } };
  if (memory !== null) imports[AOT.module][AOT.memory] = memory;
  let n = 0;
  for (const d of WebAssembly.Module.imports(module)) {
    if (d.module === AOT.module) continue;
    const index = n++;
    (imports[d.module] = imports[d.module] || {})[d.name] = (...args) => syscall(index, args);
  }
  exp = new WebAssembly.Instance(module, imports).exports;
}

function code(error) {
  const why = exp === null ? 0 : exp[AOT.why].value;
  if (why === ${WHY_CALL_DEPTH} || why === ${WHY_C_STACK}) return 'stack_exhausted';
  if (why === ${WHY_NAN}) return 'invalid_conversion';
  if (why === ${WHY_BAD_ADDRESS}) return 'bad_address';
  if (error instanceof RangeError) return 'stack_exhausted';
  const m = String(error && error.message);
  if (/unreachable/.test(m)) return 'unreachable';
  if (/by zero/.test(m)) return 'divide_by_zero';
  if (/integer overflow|unrepresentable/.test(m)) return 'integer_overflow';
  if (/memory access out of bounds/.test(m)) return 'bad_address';
  if (/table index is out of bounds/.test(m)) return 'undefined_element';
  if (/null function|signature mismatch/.test(m)) {
    const table = exp[AOT.table];
    const at = exp[AOT.callIndex].value >>> 0;
    return table && at < table.length && table.get(at) !== null ? 'indirect_call_mismatch' : 'undefined_element';
  }
  return 'bad_syscall';
}

// The innermost guest frame of the trap's stack (helpers and imports skipped), as
// function index and module offset; the main thread maps it to the guest's pc (pc-map.ts).
function where(error) {
  const stack = String(error && error.stack);
  for (const m of stack.matchAll(/wasm-function\\[(\\d+)\\]:0x([0-9a-f]+)/g)) {
    const func = Number(m[1]);
    if (func >= guest[0] && func < guest[1]) return [func, parseInt(m[2], 16)];
  }
  return [-1, 0];
}

function fail(error) {
  const c = code(error);
  ctl[C.value] = CODES.indexOf(c);
  const [func, offset] = where(error);
  ctl[C.args] = func;
  ctl[C.args + 1] = offset;
  const why = exp === null ? 0 : exp[AOT.why].value;
  ctl[C.args + 2] = why === ${WHY_BAD_ADDRESS} ? 1 : 0;
  ctl[C.args + 3] = why === ${WHY_BAD_ADDRESS} ? exp[AOT.address].value : 0;
  const m = error instanceof Error ? error.message : String(error);
  const bytes = new TextEncoder().encode(m).subarray(0, C.messageBytes - 1);
  text.fill(0);
  text.set(bytes);
  answer(STOP.trap, 0);
}

function session(call) {
  try {
    const result = call();
    ctl[C.value] = typeof result === 'number' ? result | 0 : 0;
    answer(STOP.returned, 0);
  } catch (error) {
    if (error === ABORT) return;
    fail(error);
  }
}

function load() {
  const message = receiveMessageOnPort(port).message;
  if (message.drop) {
    // Back to the pool: let go of the guest's module and memory.
    module = null;
    memory = null;
    exp = null;
    replay = [];
    answer(STOP.ready, 0);
    return;
  }
  if (message.module) module = message.module;
  if (message.guest) guest = message.guest;
  memory = message.memory;
  exp = null;
  credit = 0;
  replay = message.replay || [];
  replayed = 0;
  try {
    instantiate();
    // A guest that ran on the main thread moves here with its globals (inline.ts).
    for (const [name, value] of message.globals || []) exp[name].value = value;
    answer(STOP.ready, 0);
  } catch (error) {
    fail(error);
  }
}

function start() {
  budget(0);
  const begin = exp.__aot_start;
  if (begin) begin();
  return exp._start();
}

function invoke() {
  budget(0);
  const args = [];
  for (let j = 0; j < 4; j++) args.push(ctl[C.args + 2 * j]);
  return exp[AOT.table].get(ctl[C.extra])(...args);
}

let next = take();
for (;;) {
  pending = 0;
  if (next === CMD.load) load();
  else if (next === CMD.start) session(start);
  else if (next === CMD.invoke) session(invoke);
  else fail(new Error('nothing to resume'));
  next = pending !== 0 ? pending : take();
}
`;
