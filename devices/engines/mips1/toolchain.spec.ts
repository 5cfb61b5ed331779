import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseMips1Image } from '../../../src/protocol/images/mips1-image';
import { describeWithTool } from '../../../test/support/system-tools';
import { Mips1Engine } from '.';
import { FakeHost } from './testing/harness';
import { buildGuestImage, GUEST_SOURCES } from './testing/toolchain';

const EXPECTED_OUTPUT = [
  'hello from mips1',
  '610',
  '285',
  '-80 -336 -21 ',
  '99998.293!305419903.',
  '-123756',
  '74564 -1193040',
  'zero three many ',
  '1-1-32640',
  '-142 6',
  '',
].join('\n');

describeWithTool('mipsel-linux-gnu-gcc', 'gcc-mipsel-linux-gnu', 'a C guest built with gcc', () => {
  let workDir: string;
  let image: Uint8Array;

  beforeAll(() => {
    workDir = mkdtempSync(join(tmpdir(), 'vmfleet-mips1-'));
    image = buildGuestImage(join(GUEST_SOURCES, 'guest.c'), workDir);
  });

  afterAll(() => rmSync(workDir, { recursive: true, force: true }));

  it('runs to main’s return and prints what the C source says', () => {
    const host = new FakeHost();
    const engine = new Mips1Engine({ memoryBytes: 64 * 1024 }, host);
    engine.load(image);
    expect(engine.run(1_000_000)).toEqual({ kind: 'exited', code: 3 });
    expect(host.output).toBe(EXPECTED_OUTPUT);
    expect(engine.memory().peakGuestBytes).toBeGreaterThan(64);
  });

  it('exercises lwl/lwr and swl/swr through the packed struct', () => {
    const { payload, textBytes } = parseMips1Image(image);
    const words = new DataView(payload.buffer, payload.byteOffset, textBytes);
    const opcodes = new Set<number>();
    for (let offset = 0; offset < textBytes; offset += 4) {
      opcodes.add(words.getUint32(offset, true) >>> 26);
    }
    expect([34, 38, 42, 46].filter((opcode) => opcodes.has(opcode))).toEqual([34, 38, 42, 46]);
  });
});
