import type { Mips1Image } from '../../../src/protocol/images/mips1-image';
import { mips1StaticEnd } from '../../../src/protocol/images/mips1-image';
import { hex } from '../core';

/** Stack reserved when an image asks for 0 (its header's stackBytes). */
export const DEFAULT_STACK_BYTES = 1024;

/** Why a well-formed image cannot run in this engine's memory. */
export class Mips1LoadError extends Error {
  constructor(
    readonly code: 'does_not_fit' | 'null_page_mapped',
    message: string,
  ) {
    super(message);
  }
}

/** Where the program sits in guest memory once loaded. */
export interface ProgramLayout {
  loadAddress: number;
  entry: number;
  textEnd: number;
  staticEnd: number;
  /** Initial $sp: memoryBytes - 16 (guest ABI), kept 8-byte aligned as o32 requires. */
  stackTop: number;
  stackBytes: number;
  /** Lowest valid $sp: stackTop - stackBytes. Below it is stack_exhausted. */
  stackLimit: number;
  memoryBytes: number;
}

/** Checks that the image fits `memoryBytes` with its stack and lays it out. */
export function layOut(image: Mips1Image, memoryBytes: number): ProgramLayout {
  if (image.loadAddress === 0) {
    throw new Mips1LoadError(
      'null_page_mapped',
      'loadAddress 0 would map address 0, which must stay unmapped (NULL, and the return address that ends _start); link at 0x1000 like the SDK',
    );
  }
  const staticEnd = mips1StaticEnd(image);
  const stackTop = Math.floor((memoryBytes - 16) / 8) * 8;
  const stackBytes = image.stackBytes || DEFAULT_STACK_BYTES;
  if (staticEnd + stackBytes > stackTop) {
    const needed = staticEnd + stackBytes + 16;
    throw new Mips1LoadError(
      'does_not_fit',
      `program needs ${needed} bytes of guest memory (static end ${hex(staticEnd)} + ${stackBytes} stack + 16) but the board grants ${memoryBytes}`,
    );
  }
  return {
    loadAddress: image.loadAddress,
    entry: image.entry,
    textEnd: image.loadAddress + image.textBytes,
    staticEnd,
    stackTop,
    stackBytes,
    stackLimit: stackTop - stackBytes,
    memoryBytes,
  };
}
