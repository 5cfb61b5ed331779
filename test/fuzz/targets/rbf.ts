import fc from 'fast-check';
import { EbpfEngine } from '../../../devices/engines/ebpf';
import {
  buildRbf,
  parseRbf,
  RBF_FUNCTION_BYTES,
  RbfError,
  type RbfImage,
  validateRbfPayload,
  verifyRbf,
} from '../../../src/protocol/images/rbf';
import { type FuzzTarget, PropertyViolation } from '../harness';
import { concat, firmwareSeeds, seededBytes } from '../mutate';
import { FUZZ_MEMORY_BYTES, nullHost, runLoaded } from './engine-host';

const RBF_OPCODES = [
  0x04, 0x07, 0x0c, 0x0f, 0x05, 0x15, 0x1d, 0x18, 0x61, 0x63, 0x62, 0x69, 0x6b, 0x71, 0x73, 0x79,
  0x7b, 0x85, 0x95, 0xb7, 0xbf, 0xb8, 0xd8, 0xd4, 0xdc, 0x84, 0x87, 0x34, 0x3f, 0x94,
];

/** A header that adds up, with text of random but mostly known instructions. */
const wellFormed = fc
  .tuple(
    fc.uint8Array({ maxLength: 64 }),
    fc.uint8Array({ maxLength: 64 }),
    fc.array(
      fc.tuple(
        fc.oneof(fc.constantFrom(...RBF_OPCODES), fc.integer({ min: 0, max: 255 })),
        fc.integer({ min: 0, max: 255 }),
        fc.integer({ min: -8, max: 8 }),
        fc.oneof(fc.integer({ min: -4, max: 0x140 }), fc.integer()),
      ),
      { minLength: 1, maxLength: 48 },
    ),
    fc.array(fc.tuple(fc.nat({ max: 80 }), fc.nat({ max: 48 })), { maxLength: 3 }),
  )
  .map(([data, rodata, ops, fns]) => {
    const text = new Uint8Array(ops.length * 8);
    const view = new DataView(text.buffer);
    ops.forEach(([opcode, regs, offset, imm], i) => {
      view.setUint8(i * 8, opcode);
      view.setUint8(i * 8 + 1, regs);
      view.setInt16(i * 8 + 2, offset, true);
      view.setInt32(i * 8 + 4, imm, true);
    });
    const functions = fns.map(([nameOffset, slot]) => ({ nameOffset, location: slot * 8 }));
    return buildRbf({ data, rodata: concat(rodata, new Uint8Array([0])), text, functions });
  });

/** Femto-Container `.rbf`: the parser, the pre-flight verifier, the gateway check, the engine. */
export const rbfTarget: FuzzTarget = {
  name: 'rbf',
  covers:
    'src/protocol/images/rbf parseRbf + verifyRbf + validateRbfPayload, devices/engines/ebpf load + run',
  ciRuns: 400,
  inputs: () =>
    seededBytes(
      firmwareSeeds('ebpf', '.rbf'),
      fc.oneof(wellFormed, fc.uint8Array({ maxLength: 256 })),
    ),
  check: (input) => {
    const verdict = validateRbfPayload(input);
    let image: RbfImage;
    try {
      image = parseRbf(input);
      verifyRbf(image);
    } catch (err) {
      if (!(err instanceof RbfError)) throw err;
      if (verdict.ok) throw new PropertyViolation('validateRbfPayload accepted a refused image');
      return 'refused';
    }
    if (!verdict.ok) throw new PropertyViolation(`validateRbfPayload refused: ${verdict.reason}`);
    roundTrip(input, image);
    const engine = new EbpfEngine({ memoryBytes: FUZZ_MEMORY_BYTES }, nullHost);
    try {
      engine.load(input);
    } catch (err) {
      if (err instanceof RbfError || err instanceof RangeError) return 'accepted';
      throw err;
    }
    runLoaded(engine);
    return 'accepted';
  },
};

/** buildRbf(parts of x) is x again, with the function table's name offsets read from x. */
function roundTrip(input: Uint8Array, image: RbfImage): void {
  const view = new DataView(input.buffer, input.byteOffset, input.byteLength);
  const tableAt = input.length - image.functions.length * RBF_FUNCTION_BYTES;
  const rebuilt = buildRbf({
    ...image,
    functions: image.functions.map((f, i) => ({
      ...f,
      nameOffset: view.getUint16(tableAt + i * RBF_FUNCTION_BYTES, true),
    })),
  });
  // Bytes 8-11 are the flags: only bit 0 means something, and the packer writes 0.
  const same =
    rebuilt.length === input.length &&
    rebuilt.every((b, i) => b === input[i] || (i >= 8 && i < 12));
  if (!same) throw new PropertyViolation('buildRbf(parseRbf(x)) differs from x');
}
