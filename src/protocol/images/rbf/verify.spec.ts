import {
  alu64,
  call,
  callLocal,
  bswap,
  exit,
  gotol,
  insn,
  ja,
  jmp,
  lddw,
  lddwRodata,
  mov64,
  movsx,
  rbf,
  signed,
  type Line,
} from '../../../../devices/engines/ebpf/testing/asm';
import { buildRbf, parseRbf } from './format';
import { RbfError, type RbfErrorCode } from './errors';
import { validateRbfPayload } from './validate';
import { verifyRbf } from './verify';

const verify = (text: readonly Line[], functions?: number[]) =>
  verifyRbf(parseRbf(rbf(text, { functions })));

function rejection(run: () => void): { code: RbfErrorCode; message: string } {
  try {
    run();
  } catch (err) {
    if (err instanceof RbfError) return { code: err.code, message: err.message };
    throw err;
  }
  throw new Error('accepted');
}

describe('parseRbf', () => {
  it('reads the 28-byte header, sections and function table', () => {
    const image = parseRbf(
      rbf([mov64(0, 0), exit()], {
        data: new Uint8Array([1, 2]),
        rodata: new Uint8Array([3]),
        functions: [1],
      }),
    );
    expect(image).toMatchObject({ version: 0, flags: 0, functions: [{ name: 'f0', location: 8 }] });
    expect([...image.data, ...image.rodata.subarray(0, 1)]).toEqual([1, 2, 3]);
    expect(image.text.length).toBe(16);
  });

  it.each<[string, Uint8Array, RbfErrorCode]>([
    ['a short image', new Uint8Array(10), 'image_too_small'],
    ['a wrong magic', new Uint8Array(28), 'bad_magic'],
    ['a truncated image', rbf([exit()]).subarray(0, 30), 'size_mismatch'],
    [
      'a function outside text',
      buildRbf({
        text: new Uint8Array(8),
        rodata: new Uint8Array([0x61, 0]),
        functions: [{ nameOffset: 0, location: 8 }],
      }),
      'bad_function',
    ],
    [
      'an unterminated name',
      buildRbf({
        text: new Uint8Array(8),
        rodata: new Uint8Array([0x61]),
        functions: [{ nameOffset: 0, location: 0 }],
      }),
      'bad_function',
    ],
  ])('refuses %s', (_what, bytes, code) => {
    expect(rejection(() => parseRbf(bytes)).code).toBe(code);
  });

  it('refuses compressed text', () => {
    const bytes = rbf([exit()]);
    bytes[8] = 1;
    expect(rejection(() => parseRbf(bytes)).code).toBe('unsupported_flags');
  });
});

describe('verifyRbf (pre-flight)', () => {
  it('accepts loops, helpers, bpf-to-bpf calls and all three LDDW forms', () => {
    expect(() =>
      verify([
        lddw(1, 5n),
        lddwRodata(2, 0),
        call(0x102),
        callLocal(1),
        jmp(64, 'jne', 1, 0, -5),
        exit(),
      ]),
    ).not.toThrow();
  });

  it.each<[string, readonly Line[], RbfErrorCode, RegExp]>([
    ['text not a multiple of 8', [], 'bad_text_length', /not a positive multiple of 8/],
    ['register 11', [insn(0xb7, 11), exit()], 'bad_register', /instruction 0 .* uses r11/],
    ['a source register 12', [insn(0xbf, 1, 12), exit()], 'bad_register', /r12/],
    ['a write to r10', [mov64(0, 0), alu64('add', 10, 8), exit()], 'write_to_r10', /instruction 1/],
    ['an unknown opcode', [insn(0xff), exit()], 'unknown_opcode', /opcode 0xff/],
    ['an atomic add', [insn(0xdb, 1, 2), exit()], 'unknown_opcode', /0xdb/],
    ['a DIV with offset 2', [insn(0x3f, 1, 2, 2), exit()], 'unknown_opcode', /offset 2/],
    ['an ADD with offset 1', [insn(0x0f, 1, 2, 1), exit()], 'unknown_opcode', /offset 1/],
    ['a MOVSX from an immediate', [insn(0xb7, 1, 0, 8, 5), exit()], 'unknown_opcode', /offset 8/],
    ['a 32-bit MOVSX of 32 bits', [insn(0xbc, 1, 2, 32), exit()], 'unknown_opcode', /0xbc/],
    ['a MOVSX of 24 bits', [insn(0xbf, 1, 2, 24), exit()], 'unknown_opcode', /offset 24/],
    ['a sign-extending doubleword load', [insn(0x99, 1, 2), exit()], 'unknown_opcode', /0x99/],
    ['a MEMSX store', [insn(0x83, 1, 2), exit()], 'unknown_opcode', /0x83/],
    ['bswap with the source bit', [insn(0xdf, 1, 0, 0, 16), exit()], 'unknown_opcode', /0xdf/],
    ['bswap of 8 bits', [insn(0xd7, 1, 0, 0, 8), exit()], 'unknown_opcode', /imm 8/],
    ['a division by the immediate 0', [alu64('div', 1, 0), exit()], 'division_by_zero', /0x37/],
    ['a 32-bit modulo by 0', [insn(0x94, 1, 0, 0, 0), exit()], 'division_by_zero', /0x94/],
    ['a signed division by 0', [signed(64, 'sdiv', 1, 0), exit()], 'division_by_zero', /0x37/],
    ['a signed modulo by 0', [signed(32, 'smod', 1, 0), exit()], 'division_by_zero', /0x94/],
    ['a gotol past the end', [gotol(70_000), exit()], 'bad_jump', /instruction 70001/],
    ['a gotol before the start', [gotol(-2), exit()], 'bad_jump', /instruction -1/],
    ['a gotol into an LDDW', [gotol(1), lddw(1, 1n), exit()], 'jump_into_lddw', /instruction 2/],
    ['an LDDW cut off by the end', [exit(), insn(0x18)], 'bad_lddw', /no second half/],
    [
      'an LDDW with a bad second half',
      [[insn(0x18, 1), insn(0x18)], exit()],
      'bad_lddw',
      /second half/,
    ],
    ['a jump past the end', [ja(5), exit()], 'bad_jump', /instruction 0 .* jumps to instruction 6/],
    ['a jump before the start', [ja(-2), exit()], 'bad_jump', /instruction -1/],
    [
      'a jump into an LDDW',
      [ja(1), lddw(1, 1n), exit()],
      'jump_into_lddw',
      /instruction 2, the second half/,
    ],
    [
      'a call into an LDDW',
      [callLocal(1), lddw(1, 1n), exit()],
      'jump_into_lddw',
      /calls instruction 2/,
    ],
    ['a call outside text', [callLocal(9), exit()], 'bad_call', /calls instruction 10/],
    ['an unknown helper', [call(0x99), exit()], 'unknown_helper', /helper 153 \(0x99\)/],
    ['no exit at the end', [exit(), mov64(0, 0)], 'no_exit', /instruction \(1\)/],
    ['an LDDW at the end', [exit(), lddw(0, 1n)], 'no_exit', /last instruction/],
  ])('refuses %s', (_what, text, code, message) => {
    const refused = rejection(() => verify(text));
    expect(refused.code).toBe(code);
    expect(refused.message).toMatch(message);
  });

  it('accepts the ISA v4 instructions (RFC 9669: sdiv, smod, movsx, memsx, bswap, gotol)', () => {
    expect(() =>
      verify([
        signed(64, 'sdiv', 1, -3),
        signed(64, 'smod', 1, { reg: 2 }),
        signed(32, 'sdiv', 1, { reg: 2 }),
        signed(32, 'smod', 1, 7),
        movsx(64, 1, 2, 8),
        movsx(64, 1, 2, 16),
        movsx(64, 1, 2, 32),
        movsx(32, 1, 2, 8),
        movsx(32, 1, 2, 16),
        insn(0x91, 1, 10, -1),
        insn(0x89, 1, 10, -2),
        insn(0x81, 1, 10, -4),
        bswap(1, 16),
        bswap(1, 32),
        bswap(1, 64),
        gotol(0),
        alu64('div', 1, { reg: 2 }), // a register divisor may be 0 at run time: result 0
        exit(),
      ]),
    ).not.toThrow();
  });

  it('refuses a function entry in the second half of an LDDW', () => {
    expect(rejection(() => verify([lddw(1, 1n), exit()], [1])).code).toBe('jump_into_lddw');
  });
});

describe('validateRbfPayload', () => {
  it('accepts a good image and says what it needs', () => {
    const bytes = rbf([mov64(0, 0), exit()], { data: new Uint8Array(100) });
    expect(validateRbfPayload(bytes)).toEqual({
      ok: true,
      needs: { ramBytes: 100 + 8192 + 1024, flashBytes: bytes.length, stackBytes: 8192 },
    });
  });

  it('refuses a bad one with image_rejected and the reason', () => {
    expect(validateRbfPayload(rbf([call(0x99), exit()]))).toEqual({
      ok: false,
      code: 'image_rejected',
      reason: expect.stringMatching(/^unknown_helper: /),
    });
  });
});
