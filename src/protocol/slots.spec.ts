import { encodePayload } from './codec';
import { decodeUplink, DecodeResult } from './decode';
import { appSlotsSchema } from './slots';

const MAX = 65536;

const hello = (slots: unknown) => ({
  board: 'native64',
  vm: { kind: 'mips1', version: '0.1' },
  limits: { ramBytes: 65536, flashBytes: 65536, clockHz: 1_000_000 },
  slots,
});
const report = (slots: unknown) => ({
  kind: 'report',
  deployment: 4,
  state: 'running',
  app: { id: 'blink', version: '2.0.0' },
  slots,
});

const running = { slot: 1, active: true, state: 'complete', app: blink('2.0.0'), bytes: 812 };
const previous = { slot: 0, active: false, state: 'complete', app: blink('1.0.0'), bytes: 800 };
const empty = { slot: 0, active: false, state: 'empty', app: null, bytes: 0 };
const partial = { slot: 0, active: false, state: 'partial', app: blink('3.0.0'), bytes: 4096 };

function blink(version: string) {
  return { id: 'blink', version };
}

function reason(result: DecodeResult): string {
  if (result.ok) throw new Error(`expected a rejection, got ${JSON.stringify(result.message)}`);
  expect(result.code).toBe('invalid_message');
  return result.reason;
}

describe('slots in hello and OTA reports', () => {
  it.each([
    ['both slots complete', [running, previous]],
    ['the running one and an empty one', [running, empty]],
    ['an update half-way into the inactive slot', [running, partial]],
    ['a fresh device: both empty, none active', [empty, { ...empty, slot: 1 }]],
    ['only one slot listed', [running]],
  ])('accepts %s, in hello and in a report, CBOR and JSON', (_what, slots) => {
    for (const encoding of ['cbor', 'json'] as const) {
      const h = decodeUplink('hello', encodePayload(hello(slots), encoding), MAX);
      expect(h).toMatchObject({ ok: true, message: { body: { slots } } });
      const r = decodeUplink('ota', encodePayload(report(slots), encoding), MAX);
      expect(r).toMatchObject({ ok: true, message: { body: { slots } } });
    }
  });

  it('leaves them out for a device that does not report them (older firmware)', () => {
    const body: Partial<ReturnType<typeof hello>> = hello(undefined);
    delete body.slots;
    const result = decodeUplink('hello', encodePayload(body, 'cbor'), MAX);
    expect(result).toEqual({ ok: true, encoding: 'cbor', message: { channel: 'hello', body } });
  });

  it.each([
    ['more than two', [running, previous, empty], 'slots: Too big: expected array to have <=2'],
    ['none', [], 'slots: Too small: expected array to have >=1'],
    ['a slot twice', [running, { ...previous, slot: 1 }], 'slots: slot 1 is listed twice'],
    ['two active', [running, { ...previous, active: true }], 'slots: at most one slot is active'],
    ['slot 2', [{ ...running, slot: 2 }], 'slots.0.slot: Invalid input'],
    ['an unknown state', [{ ...running, state: 'broken' }], 'slots.0.state: Invalid option'],
    ['negative bytes', [{ ...running, bytes: -1 }], 'slots.0.bytes: Too small'],
    ['fractional bytes', [{ ...running, bytes: 1.5 }], 'slots.0.bytes: Invalid input'],
    ['an empty slot with an app', [{ ...empty, app: blink('1.0.0') }], 'an empty slot has app'],
    ['an empty slot with bytes', [{ ...empty, bytes: 10 }], 'an empty slot has app null'],
    ['a partial slot without its app', [{ ...partial, app: null }], 'a partial slot names'],
    ['an active partial slot', [{ ...partial, active: true }], 'the active slot must be complete'],
    ['an app without a version', [{ ...running, app: { id: 'blink' } }], 'slots.0.app.version'],
    ['not an array', { 0: running }, 'slots: Invalid input: expected array'],
  ])('refuses %s, naming the field', (_what, slots, expected) => {
    expect(reason(decodeUplink('hello', encodePayload(hello(slots), 'cbor'), MAX))).toContain(
      expected,
    );
    expect(reason(decodeUplink('ota', encodePayload(report(slots), 'json'), MAX))).toContain(
      expected,
    );
  });

  it('drops unknown fields of a slot, as everywhere else', () => {
    const parsed = appSlotsSchema.parse([{ ...running, erasedAt: 5 }]);
    expect(parsed).toEqual([running]);
  });
});
