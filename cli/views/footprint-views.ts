import type { BoardFootprint, Footprints } from '../../src/protocol/api';
import { formatBytes, NONE } from '../format';
import { makeTable, printLine, printTable, type CliIo } from '../output';

const BASELINE_VM = 'none';

/** "+20.4 KiB"; the baseline's own row says so; unknown: "-". */
function formatOver(vm: string, bytes: number | null): string {
  if (vm === BASELINE_VM) return 'baseline';
  if (bytes === null) return NONE;
  return `${bytes > 0 ? '+' : ''}${formatBytes(bytes)}`;
}

function printBoard(io: CliIo, board: BoardFootprint): void {
  printLine(io, board.board);
  const table = makeTable(
    io,
    ['VM', 'ROM (text+data)', 'over none', 'Static RAM (data+bss)', 'over none', 'Runtime peak'],
    [1, 2, 3, 4, 5],
  );
  for (const r of board.rows) {
    table.push([
      r.vm,
      formatBytes(r.romBytes),
      formatOver(r.vm, r.romOverBaseline),
      formatBytes(r.staticRamBytes),
      formatOver(r.vm, r.staticRamOverBaseline),
      r.runtimePeak ? formatBytes(r.runtimePeak.bytes) : NONE,
    ]);
  }
  printTable(io, table);
}

/** One table per board, and what the "-" cells mean. */
export function printFootprints(io: CliIo, footprints: Footprints): void {
  footprints.boards.forEach((board, i) => {
    if (i > 0) io.stdout('\n');
    printBoard(io, board);
  });
  const noBaseline = footprints.boards.filter((b) => b.baselineRiot === null).map((b) => b.board);
  if (noBaseline.length > 0) {
    printLine(io, `No VM=none build of ${noBaseline.join(', ')}: nothing to subtract.`);
  }
  printLine(
    io,
    'Runtime peak: heap + stack from the newest os telemetry of that VM on that board (RIOT devices); - where none came.',
  );
}
