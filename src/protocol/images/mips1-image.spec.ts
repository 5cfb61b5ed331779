import {
  buildMips1Image,
  ImageError,
  MIPS1_HEADER_BYTES,
  MIPS1_MAGIC,
  MIPS1_VERSION,
  mips1StaticEnd,
  parseMips1Image,
} from './mips1-image';

const TEXT = Uint8Array.of(0x08, 0x00, 0xe0, 0x03, 0x00, 0x00, 0x00, 0x00); // jr $ra; nop
const DATA = Uint8Array.of(1, 2, 3);

function valid(): Uint8Array {
  return buildMips1Image({
    loadAddress: 0x1000,
    entry: 0x1004,
    text: TEXT,
    data: DATA,
    bssBytes: 64,
    stackBytes: 2048,
  });
}

/** The valid image with the header's u32 at `offset` replaced. */
function withU32(offset: number, value: number): Uint8Array {
  const image = valid();
  new DataView(image.buffer).setUint32(offset, value, true);
  return image;
}

function errorCode(bytes: Uint8Array): string {
  try {
    parseMips1Image(bytes);
  } catch (error) {
    expect(error).toBeInstanceOf(ImageError);
    return (error as ImageError).code;
  }
  throw new Error('the image was accepted');
}

describe('mips1 image', () => {
  it('lays out the 32-byte little-endian header and the payload', () => {
    const image = valid();
    expect(image).toHaveLength(MIPS1_HEADER_BYTES + TEXT.length + DATA.length);
    expect(String.fromCharCode(...image.subarray(0, 4))).toBe(MIPS1_MAGIC);
    const view = new DataView(image.buffer);
    expect(view.getUint16(4, true)).toBe(MIPS1_VERSION);
    expect(view.getUint16(6, true)).toBe(0);
    const fields = [8, 12, 16, 20, 24, 28].map((offset) => view.getUint32(offset, true));
    expect(fields).toEqual([0x1000, 0x1004, 8, 3, 64, 2048]);
    expect([...image.subarray(MIPS1_HEADER_BYTES)]).toEqual([...TEXT, ...DATA]);
  });

  it('parses what it builds', () => {
    const parsed = parseMips1Image(valid());
    expect(parsed).toMatchObject({
      loadAddress: 0x1000,
      entry: 0x1004,
      textBytes: 8,
      dataBytes: 3,
      bssBytes: 64,
      stackBytes: 2048,
    });
    expect([...parsed.payload]).toEqual([...TEXT, ...DATA]);
    expect(mips1StaticEnd(parsed)).toBe(0x1000 + 8 + 3 + 64);
  });

  it('parses an image inside a larger buffer', () => {
    const padded = new Uint8Array(100);
    padded.set(valid(), 5);
    const parsed = parseMips1Image(padded.subarray(5, 5 + valid().length));
    expect(parsed.entry).toBe(0x1004);
  });

  it.each([
    ['image_too_small', () => valid().subarray(0, 31)],
    ['image_too_small', () => new Uint8Array(0)],
    ['bad_magic', () => withU32(0, 0x464c457f)],
    ['unsupported_version', () => withU32(4, 2)],
    ['unsupported_version', () => withU32(4, 0)],
    ['bad_layout', () => withU32(8, 0x1002)], // loadAddress not word-aligned
    ['bad_layout', () => withU32(16, 0)], // no text
    ['bad_layout', () => withU32(16, 6)], // text not whole words
    ['bad_layout', () => withU32(12, 0x1006)], // entry misaligned
    ['bad_layout', () => withU32(12, 0xffc)], // entry before text
    ['bad_layout', () => withU32(12, 0x1008)], // entry past text (in data)
    ['bad_layout', () => withU32(24, 0x80000000)], // beyond the 2 GiB user space
    ['size_mismatch', () => valid().subarray(0, valid().length - 1)],
    ['size_mismatch', () => Uint8Array.from([...valid(), 0])],
  ])('rejects %s', (code, image) => {
    expect(errorCode(image())).toBe(code);
  });

  it('says what is wrong', () => {
    expect(() => parseMips1Image(withU32(0, 0x464c457f))).toThrow(/not a mips1 image/);
    expect(() => parseMips1Image(withU32(12, 0x1006))).toThrow(/entry 0x1006/);
  });

  it('refuses to build an image it could not parse', () => {
    const parts = {
      loadAddress: 0x1000,
      entry: 0x2000,
      text: TEXT,
      data: DATA,
      bssBytes: 0,
      stackBytes: 0,
    };
    expect(() => buildMips1Image(parts)).toThrow(ImageError);
  });
});
