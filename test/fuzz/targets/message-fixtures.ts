import * as fs from 'node:fs';
import * as path from 'node:path';
import { ROOT } from '../mutate';

const image = new Uint8Array(fs.readFileSync(path.join(ROOT, 'firmware/build/mips1/blink.m1')));
const app = { id: 'blink', version: '1.2.0' };
const hello = {
  board: 'nrf52840',
  vm: { kind: 'wasm', version: '2.1.1' },
  firmware: 'riot-2026.10',
  limits: { ramBytes: 262144, flashBytes: 1 << 20, clockHz: 64_000_000, maxChunkBytes: 512 },
};

/** One or more real, valid bodies per channel (as docs/protocol.md and the specs show them). */
export const VALID_BODIES: Record<string, object[]> = {
  hello: [hello, { ...hello, limits: { ramBytes: 1, flashBytes: 1, clockHz: 1 } }],
  telemetry: [
    {
      ts: 1_763_740_800_000,
      uptimeMs: 5_000_000_000,
      ram: { used: 40960, peak: 51200, total: 262144 },
      flash: { used: 131072, total: 1 << 20 },
      cpu: 0.25,
      vm: { state: 'running', instructions: 9_007_199_254_740_000 },
      app,
      actuators: { led: [1, 0], gpio: [] },
      os: { heapUsed: 1, stackBytes: 2048 },
    },
  ],
  status: [{ state: 'online' }, { state: 'offline' }],
  event: [
    { kind: 'publish', name: 'count', value: -3 },
    { kind: 'emit', event: 101, value: 7 },
    {
      kind: 'vm',
      state: 'faulted',
      fault: { code: 'bad_address', pc: 0x1010, address: 4, message: 'x' },
    },
  ],
  reply: [
    { id: 'c-1', ok: true, result: { loadMs: 0.25, output: 'check: ok\n', n: [1, 2] } },
    { id: 'c-2', ok: false, error: { code: 'no_app', message: 'x' } },
  ],
  ota: [
    { kind: 'fetch', deployment: 7, offset: 4096, length: 1024 },
    { kind: 'report', deployment: 7, state: 'healthy', app, offset: 0, code: 'busy', reason: 'r' },
  ],
  error: [{ code: 'invalid_message', message: 'cpu: too big', channel: 'telemetry' }],
  cmd: [
    { id: 'c-1', op: 'status' },
    { id: 'c-2', op: 'load', args: { vm: 'mips1', image, app } },
    { id: 'c-3', op: 'step', args: { n: 10 } },
    { id: 'c-4', op: 'memory', args: { address: 0x1000, length: 64 } },
    { id: 'c-5', op: 'inject', args: { event: 1, value: 1000 } },
    { id: 'c-6', op: 'bench', args: { native: 'sieve' } },
  ],
  update: [
    { op: 'offer', deployment: 7, manifest: image.subarray(0, 40), healthWindowMs: 10_000 },
    { op: 'chunk', deployment: 7, offset: 0, data: image.subarray(0, 64) },
    { op: 'cancel', deployment: 7 },
  ],
  register: [{ id: 'dev-1', token: 't', lifetime: 300, hello }],
  notification: [
    { channel: 'cmd', body: { id: 'c-3', op: 'step', args: { n: 10 } } },
    { channel: null },
  ],
};

/** Values a mutated field takes: wrong types, edges of the schemas' ranges, prototype keys. */
export const EDGE_VALUES: unknown[] = [
  null,
  undefined,
  true,
  0,
  -0,
  -1,
  1,
  0.5,
  2 ** 31,
  2 ** 32,
  2 ** 40,
  2 ** 53,
  -(2 ** 63),
  1e300,
  Number.NaN,
  '',
  'x'.repeat(65),
  'QUJD',
  '!!',
  [],
  {},
  { __proto__: null },
  new Uint8Array(3),
  new Map([[1, 2]]),
  new Set([1]),
  10n ** 30n,
  new Date(0),
];
