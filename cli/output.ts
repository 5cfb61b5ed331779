import Table from 'cli-table3';

/** Where the CLI writes and what it reads from its environment; tests pass their own. */
export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  /** Raw bytes to stdout, e.g. `apps download --out -`; absent where stdout takes only text. */
  stdoutBytes?(bytes: Uint8Array): void;
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** Tables get colour and `sim` a progress bar only on a terminal. */
  stdoutIsTTY: boolean;
  /** The stream progress bars draw on (stderr, so stdout stays clean for pipes). */
  progressStream?: NodeJS.WritableStream;
}

export function processIo(): CliIo {
  return {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    stdoutBytes: (bytes) => process.stdout.write(bytes),
    env: process.env,
    cwd: process.cwd(),
    stdoutIsTTY: Boolean(process.stdout.isTTY),
    progressStream: process.stderr,
  };
}

export function printLine(io: CliIo, line = ''): void {
  io.stdout(`${line}\n`);
}

export function printJson(io: CliIo, value: unknown): void {
  io.stdout(`${JSON.stringify(value, null, 2)}\n`);
}

/** Compact (no rule between body rows); coloured headings only on a terminal without NO_COLOR. */
function tableStyle(io: CliIo): { head: string[]; border: string[]; compact: boolean } {
  const colour = io.stdoutIsTTY && !io.env.NO_COLOR;
  return { head: colour ? ['cyan'] : [], border: [], compact: true };
}

/** A table with a header row; right-aligns the columns listed in `numeric`. */
export function makeTable(io: CliIo, head: string[], numeric: number[] = []): Table.Table {
  const colAligns = head.map((_, i): 'left' | 'right' => (numeric.includes(i) ? 'right' : 'left'));
  return new Table({ head, colAligns, style: tableStyle(io) });
}

/** A two-column "field: value" table for one record. */
export function printRecord(io: CliIo, rows: Array<[string, string]>): void {
  const table = new Table({ style: tableStyle(io) });
  for (const [key, value] of rows) table.push({ [key]: value });
  printLine(io, table.toString());
}

export function printTable(io: CliIo, table: Table.Table): void {
  printLine(io, table.toString());
}
