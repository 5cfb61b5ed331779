import { Op } from './ops';

/**
 * MIPS-I opcode maps: encoding field → engine op. Slots not listed decode to Op.Illegal
 * (reserved in MIPS I, or a coprocessor instruction).
 */
function table(entries: Array<[number, Op]>, size: number): Uint8Array {
  const out = new Uint8Array(size).fill(Op.Illegal);
  for (const [code, op] of entries) out[code] = op;
  return out;
}

// SPECIAL (opcode 0), by funct: MIPS32 Vol. II, appendix A, restricted to MIPS I.
export const SPECIAL = table(
  [
    [0, Op.Sll],
    [2, Op.Srl],
    [3, Op.Sra],
    [4, Op.Sllv],
    [6, Op.Srlv],
    [7, Op.Srav],
    [8, Op.Jr],
    [9, Op.Jalr],
    [12, Op.Syscall],
    [13, Op.Break],
    [16, Op.Mfhi],
    [17, Op.Mthi],
    [18, Op.Mflo],
    [19, Op.Mtlo],
    [24, Op.Mult],
    [25, Op.Multu],
    [26, Op.Div],
    [27, Op.Divu],
    [32, Op.Add],
    [33, Op.Addu],
    [34, Op.Sub],
    [35, Op.Subu],
    [36, Op.And],
    [37, Op.Or],
    [38, Op.Xor],
    [39, Op.Nor],
    [42, Op.Slt],
    [43, Op.Sltu],
  ],
  64,
);

// REGIMM (opcode 1), by rt. The other rt values are reserved in MIPS I.
export const REGIMM = table(
  [
    [0, Op.Bltz],
    [1, Op.Bgez],
    [16, Op.Bltzal],
    [17, Op.Bgezal],
  ],
  32,
);

// Primary opcodes. Coprocessor opcodes (16-19, 48-51, 56-59) stay illegal:
// soft-float guests never use them and there is no coprocessor 0 for user code.
export const PRIMARY = table(
  [
    [2, Op.J],
    [3, Op.Jal],
    [4, Op.Beq],
    [5, Op.Bne],
    [6, Op.Blez],
    [7, Op.Bgtz],
    [8, Op.Addi],
    [9, Op.Addiu],
    [10, Op.Slti],
    [11, Op.Sltiu],
    [12, Op.Andi],
    [13, Op.Ori],
    [14, Op.Xori],
    [15, Op.Li], // lui
    [32, Op.Lb],
    [33, Op.Lh],
    [34, Op.Lwl],
    [35, Op.Lw],
    [36, Op.Lbu],
    [37, Op.Lhu],
    [38, Op.Lwr],
    [40, Op.Sb],
    [41, Op.Sh],
    [42, Op.Swl],
    [43, Op.Sw],
    [46, Op.Swr],
  ],
  64,
);
