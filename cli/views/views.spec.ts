import { makeEvent } from '../testing/fake-gateway';
import type { Device } from '../../src/protocol/api';
import { slotRows } from './device-views';
import { eventDetail } from './event-views';
import { describeFault, describeRunEnd, registerOrder } from './monitor-views';

const FAULT = {
  code: 'bad_address',
  pc: 0x400010,
  address: 0x10,
  message: 'load outside guest memory',
};

describe('monitor views', () => {
  it.each([
    [FAULT, 'bad_address at pc 0x00400010 (address 0x00000010): load outside guest memory'],
    [{ code: 'break', pc: 4, message: 'break 7' }, 'break at pc 0x00000004: break 7'],
    [{ code: 'break', pc: 4, address: null, message: 'x' }, 'break at pc 0x00000004: x'],
  ])('describeFault(%j) → %p', (fault, expected) => {
    expect(describeFault(fault)).toBe(expected);
  });

  it.each([
    [null, '-'],
    [undefined, '-'],
    [{ kind: 'exited', code: 3 }, 'exited with 3'],
    [{ kind: 'stopped' }, 'stopped'],
    [{ kind: 'fault', fault: FAULT }, `fault ${describeFault(FAULT)}`],
    [{ kind: 'halted', why: 'x' }, '{"kind":"halted","why":"x"}'],
    ['done', '"done"'],
  ])('describeRunEnd(%j) → %p', (end, expected) => {
    expect(describeRunEnd(end)).toBe(expected);
  });

  it('orders registers as MIPS numbers them, then hi, lo, pc, then the rest', () => {
    expect(registerOrder(['pc', 'r9', 'ra', 'lo', 'zero', 'sp', 'hi', 'v0', 'at', 'r10'])).toEqual([
      'zero',
      'at',
      'v0',
      'sp',
      'ra',
      'hi',
      'lo',
      'pc',
      'r9',
      'r10',
    ]);
  });
});

describe('eventDetail', () => {
  it.each([
    [{ kind: 'publish', name: 'temp', value: 21 }, 'temp=21'],
    [{ kind: 'publish', name: 'temp', value: null }, 'temp=-'],
    [{ kind: 'emit', event: 101, value: -4, name: null }, '101=-4'],
    [{ kind: 'vm', state: 'running', name: null, value: null }, 'running'],
    [{ kind: 'vm', state: 'stopped', exitCode: 0, name: null, value: null }, 'stopped (exit 0)'],
    [
      { kind: 'vm', state: 'faulted', fault: FAULT, name: null, value: null },
      `faulted: ${describeFault(FAULT)}`,
    ],
  ])('%j → %p', (fields, expected) => {
    expect(eventDetail(makeEvent(fields))).toBe(expected);
  });

  it('shows an event of a kind it does not know as JSON', () => {
    const event = makeEvent({
      id: 9,
      kind: 'log',
      name: null,
      value: null,
      ts: 't',
      deviceId: 'd',
    });
    expect(eventDetail(event)).toBe(
      '{"id":9,"deviceId":"d","ts":"t","kind":"log","name":null,"value":null}',
    );
  });
});

describe('slotRows', () => {
  const device = (slots: Device['slots']) => ({ slots }) as Device;

  it('shows both slots: which runs, its state, the app and its size', () => {
    expect(
      slotRows(
        device([
          {
            slot: 0,
            active: true,
            state: 'complete',
            app: { id: 'blink', version: '1.1.0' },
            bytes: 2048,
          },
          { slot: 1, active: false, state: 'empty', app: null, bytes: 0 },
        ]),
      ),
    ).toEqual([
      ['Slot 0', 'running, complete, blink 1.1.0, 2.0 KiB'],
      ['Slot 1', 'inactive, empty'],
    ]);
  });

  it('says so when the firmware does not report slots', () => {
    expect(slotRows(device(null))).toEqual([
      ['Slots', 'not reported (firmware before slot reports)'],
    ]);
    expect(slotRows(device(undefined))).toEqual([
      ['Slots', 'not reported (firmware before slot reports)'],
    ]);
  });
});
