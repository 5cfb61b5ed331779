import type { CliIo } from '../output';

/** Test helper: a CliIo that records what a command prints. */
export interface CapturedIo {
  io: CliIo;
  stdout(): string;
  stderr(): string;
}

export function captureIo(overrides: Partial<CliIo> = {}): CapturedIo {
  let out = '';
  let err = '';
  const io: CliIo = {
    stdout: (text) => {
      out += text;
    },
    stderr: (text) => {
      err += text;
    },
    env: {},
    cwd: process.cwd(),
    stdoutIsTTY: false,
    ...overrides,
  };
  return { io, stdout: () => out, stderr: () => err };
}
