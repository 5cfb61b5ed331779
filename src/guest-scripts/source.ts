/** Largest script a device accepts: the source is compiled on the device, in its RAM. */
export const MAX_SOURCE_BYTES = 256 * 1024;

/** A script image that cannot be compiled: the message says where and why. */
export class ScriptLoadError extends Error {
  constructor(
    message: string,
    /** 1-based line of a syntax error, when the compiler reports one. */
    readonly line?: number,
  ) {
    super(message);
  }
}

/** The image of a script VM is its UTF-8 source; anything else is refused here. */
export function decodeSource(image: Uint8Array, language: string): string {
  if (image.length === 0) throw new ScriptLoadError(`empty ${language} source`);
  if (image.length > MAX_SOURCE_BYTES) {
    throw new ScriptLoadError(
      `${language} source of ${image.length} bytes is over the ${MAX_SOURCE_BYTES}-byte limit`,
    );
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(image);
  } catch {
    throw new ScriptLoadError(`${language} source is not valid UTF-8`);
  }
  if (text.includes('\0')) throw new ScriptLoadError(`${language} source contains a NUL byte`);
  return text.startsWith('\uFEFF') ? text.slice(1) : text;
}

/** The first "line N" / ":N:" a compiler message names, if any. */
export function lineOf(message: string, pattern: RegExp): number | undefined {
  const match = pattern.exec(message);
  return match ? Number(match[1]) : undefined;
}
