import type { CliIo } from '../output';

/** Test helper: a CliIo that records what a command prints. */
export interface CapturedIo {
  io: CliIo;
  stdout(): string;
  stderr(): string;
  /** What went through `io.stdoutBytes`, kept apart from the text. */
  stdoutBytes(): Buffer;
}

export function captureIo(overrides: Partial<CliIo> = {}): CapturedIo {
  let out = '';
  let err = '';
  const bytes: Buffer[] = [];
  const io: CliIo = {
    stdout: (text) => {
      out += text;
    },
    stderr: (text) => {
      err += text;
    },
    stdoutBytes: (chunk) => {
      bytes.push(Buffer.from(chunk));
    },
    env: {},
    cwd: process.cwd(),
    stdoutIsTTY: false,
    ...overrides,
  };
  return { io, stdout: () => out, stderr: () => err, stdoutBytes: () => Buffer.concat(bytes) };
}
