import { REGION, STACK_BYTES } from '../../../../src/protocol/images/rbf/layout';
import {
  alu64,
  exit,
  jmp,
  lddw,
  lddwData,
  lddwRodata,
  ldx,
  mov64,
  rbf,
  reg,
  st,
  stx,
  type Line,
} from '../testing/asm';
import { recordRun } from './testing/lockstep';

/**
 * Hand-written programs at the edges of what the JIT's code assumes (emit-memory.ts,
 * emit-alu.ts, emit-block.ts): addresses whose low word wraps past 0 or 2^32 with the
 * offset, high words that are not 0, every region's first and last byte, single-block
 * loops cut by the budget or ending in a fault, 64-bit carries and small-constant
 * multiplies. Each runs on both tiers in budget slices from single steps up; every
 * slice's outcome and state, and the end's console, data and stack, must agree.
 */
const DATA = 64;
const RODATA = new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8, 0xff, 0xfe, 0xfd, 0xfc, 9, 10, 11, 12]);
const image = (text: readonly Line[]) => rbf(text, { data: new Uint8Array(DATA), rodata: RODATA });

/** r1 = value, then a 4-byte load at r1 + offset into r0, then exit. */
const loadAt = (value: bigint, offset: number, size: 'b' | 'w' | 'dw' = 'w') => [
  lddw(1, value),
  ldx(size, 0, 1, offset),
  exit(),
];
const storeAt = (value: bigint, offset: number) => [lddw(1, value), st('w', 1, offset, 7), exit()];
const FFFF_FFFF = (1n << 32n) - 1n;
const stack = BigInt(REGION.stack);
const data = BigInt(REGION.data);
const rodata = BigInt(REGION.rodata);

const PROGRAMS: ReadonlyArray<readonly [string, readonly Line[]]> = [
  ['load past 2^32 (low word wraps to 0x10)', loadAt(FFFF_FFFF, 0x11)],
  ['load below 0 (low word wraps to 2^32 - 16)', loadAt(0x10n, -0x20)],
  ['store past 2^32 into what would be data', storeAt(FFFF_FFFF + data + 1n - (1n << 32n), 0)],
  ['load of data with high word 1', loadAt((1n << 32n) + data, 0)],
  ['load of stack with high word -1', loadAt(-(1n << 32n) + stack + 16n, 0)],
  ['load of the stack top, last word inside', loadAt(stack + BigInt(STACK_BYTES) - 4n, 0)],
  ['load of the stack top, one byte over', loadAt(stack + BigInt(STACK_BYTES) - 3n, 0)],
  ['load of the data end, dword inside', loadAt(data + BigInt(DATA) - 8n, 0, 'dw')],
  ['load of the data end, dword over', loadAt(data + BigInt(DATA) - 4n, 0, 'dw')],
  ['load of the rodata end, inside', loadAt(rodata + BigInt(RODATA.length) - 4n, 0)],
  ['load of the rodata end, over', loadAt(rodata + BigInt(RODATA.length) - 2n, 0)],
  ['load below rodata', loadAt(rodata, -1, 'b')],
  ['store into rodata', [...lddwRodata(1, 0), st('b', 1, 0, 1), exit()]],
  ['load of the helper buffer (slow path)', loadAt(BigInt(REGION.helper) + 8n, 0)],
  ['load of the helper buffer end, over', loadAt(BigInt(REGION.helper) + 1022n, 0)],
  [
    'a single-block loop reading data until it leaves the region',
    [...lddwData(1, 0), ldx('b', 2, 1, 0), alu64('add', 1, 1), jmp(64, 'jne', 1, 0, -3), exit()],
  ],
  [
    'a single-block counted loop storing down the stack',
    [
      mov64(2, reg(10)),
      mov64(3, 200),
      alu64('sub', 2, 8),
      stx('dw', 2, 0, 3),
      alu64('sub', 3, 1),
      jmp(64, 'jsgt', 3, 0, -4),
      ldx('dw', 0, 10, -8),
      exit(),
    ],
  ],
  [
    '64-bit carries, borrows and small multiplies',
    [
      lddw(1, FFFF_FFFF),
      alu64('add', 1, 1),
      lddw(2, 1n << 32n),
      alu64('sub', 2, 1),
      mov64(3, reg(1)),
      alu64('add', 3, reg(3)),
      alu64('sub', 3, reg(2)),
      lddw(4, 0x1234_5678_9abc_def0n),
      alu64('mul', 4, 0x1f_ffff),
      lddw(5, -1n),
      alu64('mul', 5, 3),
      alu64('add', 5, -1),
      mov64(0, reg(1)),
      alu64('xor', 0, reg(2)),
      alu64('xor', 0, reg(3)),
      alu64('xor', 0, reg(4)),
      alu64('xor', 0, reg(5)),
      ...lddwData(6, 0),
      stx('dw', 6, 0, 0),
      stx('dw', 6, 8, 4),
      stx('dw', 6, 16, 5),
      exit(),
    ],
  ],
];

const SLICES = [1, 2, 3, 5, 100_000];

describe('ebpf-jit agrees with the interpreter at the edges of its generated code', () => {
  it.each(PROGRAMS.flatMap(([name, text]) => SLICES.map((slice) => [name, slice, text] as const)))(
    '%s, in slices of %d',
    (_name, slice, text) => {
      const options = { cap: 100_000, dataBytes: DATA, slice: () => slice };
      const interp = recordRun(false, image(text), options);
      const jit = recordRun(true, image(text), options);
      expect(jit).toEqual(interp);
      expect(interp.slices.at(-1)!.end.kind).toMatch(/^(exited|fault)$/);
    },
  );

  it('faults where the address wraps, and reads what is inside every region', () => {
    const end = (text: readonly Line[]) =>
      recordRun(true, image(text), { cap: 1000, dataBytes: DATA, slice: () => 1000 }).slices.at(-1)!
        .end;
    expect(end(loadAt(FFFF_FFFF, 0x11))).toMatchObject({
      kind: 'fault',
      fault: { code: 'bad_address', pc: 2, address: 0x10 },
    });
    expect(end(loadAt(0x10n, -0x20))).toMatchObject({
      kind: 'fault',
      fault: { code: 'bad_address', address: 0xffff_fff0 },
    });
    expect(end(loadAt(rodata + 8n, 0))).toMatchObject({ kind: 'exited', code: 0xfcfdfeff | 0 });
  });
});
