/**
 * The `mips1` guest image: a 32-byte little-endian header, then the raw bytes of the
 * program's text, read-only data and initialised data as `objcopy -O binary` lays them
 * out from `loadAddress`. Pure, so the gateway validates uploads with the code devices use.
 *
 *   off size field
 *     0    4 magic        "M1VM"
 *     4    2 version      1
 *     6    2 flags        0 (reserved)
 *     8    4 loadAddress  where byte 0 of the payload goes (multiple of 4)
 *    12    4 entry        first instruction (inside text, multiple of 4)
 *    16    4 textBytes    text + rodata (executable and read-only), multiple of 4
 *    20    4 dataBytes    initialised data, right after text
 *    24    4 bssBytes     zero-filled, right after data
 *    28    4 stackBytes   stack the program asks for (0: engine default)
 */
export const MIPS1_MAGIC = 'M1VM';
export const MIPS1_HEADER_BYTES = 32;
export const MIPS1_VERSION = 1;

export interface Mips1Image {
  loadAddress: number;
  entry: number;
  textBytes: number;
  dataBytes: number;
  bssBytes: number;
  stackBytes: number;
  /** text + data, exactly textBytes + dataBytes long. */
  payload: Uint8Array;
}

export class ImageError extends Error {
  constructor(
    readonly code:
      'image_too_small' | 'bad_magic' | 'unsupported_version' | 'bad_layout' | 'size_mismatch',
    message: string,
  ) {
    super(message);
  }
}

/** Parses and checks a mips1 image; throws ImageError saying what is wrong. */
export function parseMips1Image(bytes: Uint8Array): Mips1Image {
  if (bytes.length < MIPS1_HEADER_BYTES) {
    throw new ImageError(
      'image_too_small',
      `image of ${bytes.length} bytes is shorter than the 32-byte header`,
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = String.fromCharCode(bytes[0], bytes[1], bytes[2], bytes[3]);
  if (magic !== MIPS1_MAGIC)
    throw new ImageError(
      'bad_magic',
      `magic "${magic}" is not "${MIPS1_MAGIC}": not a mips1 image`,
    );
  const version = view.getUint16(4, true);
  if (version !== MIPS1_VERSION) {
    throw new ImageError(
      'unsupported_version',
      `image version ${version}; this runtime reads version ${MIPS1_VERSION}`,
    );
  }
  const u32 = (off: number) => view.getUint32(off, true);
  const image = {
    loadAddress: u32(8),
    entry: u32(12),
    textBytes: u32(16),
    dataBytes: u32(20),
    bssBytes: u32(24),
    stackBytes: u32(28),
  };
  checkLayout(image);
  const payloadBytes = bytes.length - MIPS1_HEADER_BYTES;
  if (payloadBytes !== image.textBytes + image.dataBytes) {
    throw new ImageError(
      'size_mismatch',
      `header announces ${image.textBytes} + ${image.dataBytes} payload bytes, image carries ${payloadBytes}`,
    );
  }
  return { ...image, payload: bytes.subarray(MIPS1_HEADER_BYTES) };
}

function checkLayout(i: Omit<Mips1Image, 'payload'>): void {
  const fail = (why: string) => {
    throw new ImageError('bad_layout', why);
  };
  if (i.loadAddress % 4) fail(`loadAddress 0x${i.loadAddress.toString(16)} is not word-aligned`);
  if (i.textBytes === 0 || i.textBytes % 4)
    fail(`textBytes ${i.textBytes} must be a positive multiple of 4`);
  if (i.entry % 4 || i.entry < i.loadAddress || i.entry >= i.loadAddress + i.textBytes) {
    fail(`entry 0x${i.entry.toString(16)} is not an aligned address inside text`);
  }
  const end = i.loadAddress + i.textBytes + i.dataBytes + i.bssBytes;
  if (end > 0x7fffffff) fail('program does not fit the 2 GiB user address space');
}

/** Where the program's static memory ends: the heap (if any) and stack live above. */
export function mips1StaticEnd(i: Mips1Image): number {
  return i.loadAddress + i.textBytes + i.dataBytes + i.bssBytes;
}

/** Builds an image from its parts (used by the firmware packer and tests). */
export function buildMips1Image(
  parts: Omit<Mips1Image, 'payload' | 'textBytes' | 'dataBytes'> & {
    text: Uint8Array;
    data: Uint8Array;
  },
): Uint8Array {
  const out = new Uint8Array(MIPS1_HEADER_BYTES + parts.text.length + parts.data.length);
  const view = new DataView(out.buffer);
  out.set([0x4d, 0x31, 0x56, 0x4d], 0);
  view.setUint16(4, MIPS1_VERSION, true);
  view.setUint32(8, parts.loadAddress, true);
  view.setUint32(12, parts.entry, true);
  view.setUint32(16, parts.text.length, true);
  view.setUint32(20, parts.data.length, true);
  view.setUint32(24, parts.bssBytes, true);
  view.setUint32(28, parts.stackBytes, true);
  out.set(parts.text, MIPS1_HEADER_BYTES);
  out.set(parts.data, MIPS1_HEADER_BYTES + parts.text.length);
  parseMips1Image(out);
  return out;
}
