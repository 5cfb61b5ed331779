import fc from 'fast-check';
import { Mips1Engine, Mips1LoadError } from '../../../devices/engines/mips1';
import {
  buildMips1Image,
  ImageError,
  parseMips1Image,
  type Mips1Image,
} from '../../../src/protocol/images/mips1-image';
import { validatePayload } from '../../../src/apps/domain/validate-payload';
import { type FuzzTarget, PropertyViolation } from '../harness';
import { concat, firmwareSeeds, randomBytes, seededBytes } from '../mutate';
import { FUZZ_MEMORY_BYTES, nullHost, runLoaded } from './engine-host';

const MAGIC = new TextEncoder().encode('M1VM');

/** MIPS-I images: the gateway's validator, the parser, and the engine's load() + a short run. */
export const mips1Target: FuzzTarget = {
  name: 'mips1',
  covers:
    'src/protocol/images/mips1-image.ts parseMips1Image, validatePayload(mips1), devices/engines/mips1 load + run',
  ciRuns: 400,
  inputs: () => {
    const seeds = firmwareSeeds('mips1', '.m1');
    return seededBytes(
      seeds,
      fc.oneof(
        randomBytes(256),
        // A well-formed header with random fields and a random body: past the magic.
        fc
          .tuple(fc.uint8Array({ minLength: 28, maxLength: 28 }), fc.uint8Array({ maxLength: 512 }))
          .map(([header, body]) => concat(MAGIC, header, body)),
      ),
    );
  },
  check: async (input) => {
    const verdict = await validatePayload('mips1', input);
    let image: Mips1Image;
    try {
      image = parseMips1Image(input);
    } catch (err) {
      if (!(err instanceof ImageError)) throw err;
      if (verdict.ok)
        throw new PropertyViolation('validatePayload accepted what the parser refused');
      return 'refused';
    }
    if (!verdict.ok)
      throw new PropertyViolation(`validatePayload refused a parsed image: ${verdict.reason}`);
    roundTrip(input, image);
    const engine = new Mips1Engine({ memoryBytes: FUZZ_MEMORY_BYTES }, nullHost);
    try {
      engine.load(input);
    } catch (err) {
      if (err instanceof Mips1LoadError) return 'accepted';
      throw err;
    }
    runLoaded(engine);
    return 'accepted';
  },
};

/** The packer rebuilds an accepted image byte for byte (the reserved flags aside). */
function roundTrip(input: Uint8Array, image: Mips1Image): void {
  const rebuilt = buildMips1Image({
    ...image,
    text: image.payload.subarray(0, image.textBytes),
    data: image.payload.subarray(image.textBytes),
  });
  const same =
    rebuilt.length === input.length &&
    rebuilt.every((b, i) => b === input[i] || i === 6 || i === 7);
  if (!same) throw new PropertyViolation('buildMips1Image(parseMips1Image(x)) differs from x');
}
