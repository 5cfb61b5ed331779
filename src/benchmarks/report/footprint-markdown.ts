import { BASELINE_VM, type BoardFootprint, type FootprintRow } from '../domain/footprint';
import { bytesFormat, Footnotes, markdownTable, type ValueFormat } from './format';

const EMPTY = '—';

export const FOOTPRINT_HEADING = '## VM footprint';

const HOW =
  "Each VM's RIOT firmware (`firmware/riot/build-all.sh`), by the ELF's sections (`size`, " +
  '`arm-none-eabi-size` on ARM boards): ROM = text + data, static RAM = data + bss, and ' +
  `each over the board's VM=${BASELINE_VM} build (the agent alone), so the VM's own share ` +
  "shows. native64 figures are x86-64 and include the native board's emulation layer; " +
  "other boards' are what their flash and RAM hold. Runtime peak: the largest heap " +
  'high-water mark + stack used in the newest `os` telemetry of the devices running that VM ' +
  'on that board.';

const NO_FOOTPRINTS =
  'No firmware footprints are stored. Build them with `bash firmware/riot/build-all.sh`, ' +
  'then upload them with `vmfleet bench footprint`.';

const NO_TELEMETRY =
  'no device running this VM on this board has sent `os` telemetry (heap and stack); RIOT ' +
  'devices send it, virtual devices do not';
const BASELINE_RUNS_NOTHING = `the VM=${BASELINE_VM} build runs no VM, so no device reports it`;

/** "## VM footprint": one table per board, VMs as rows (markdown.ts places it). */
export function footprintSection(tables: readonly BoardFootprint[], notes: Footnotes): string {
  if (tables.length === 0) return [FOOTPRINT_HEADING, NO_FOOTPRINTS].join('\n\n');
  return [FOOTPRINT_HEADING, HOW, ...tables.map((t) => boardTable(t, notes))].join('\n\n');
}

function boardTable(table: BoardFootprint, notes: Footnotes): string {
  // One unit for the whole table, so a VM's excess reads against its total.
  const fmt = bytesFormat(table.rows.flatMap((r) => [r.romBytes, r.staticRamBytes]));
  const unit = fmt.unit;
  const header = [
    'VM',
    `ROM, text + data (${unit})`,
    `ROM over ${BASELINE_VM} (${unit})`,
    `static RAM, data + bss (${unit})`,
    `static RAM over ${BASELINE_VM} (${unit})`,
    `runtime peak, heap + stack (${unit})`,
  ];
  const body = table.rows.map((row) => [
    row.vm,
    fmt.format(row.romBytes),
    overCell(table, row, row.romOverBaseline, fmt, notes),
    fmt.format(row.staticRamBytes),
    overCell(table, row, row.staticRamOverBaseline, fmt, notes),
    peakCell(row, fmt, notes),
  ]);
  return [`### ${table.board}`, markdownTable(header, body)].join('\n\n');
}

function overCell(
  table: BoardFootprint,
  row: FootprintRow,
  over: number | null,
  fmt: ValueFormat,
  notes: Footnotes,
): string {
  if (row.vm === BASELINE_VM) return 'baseline';
  if (over === null) {
    return `${EMPTY}${notes.mark(
      `no VM=${BASELINE_VM} build of ${table.board} to subtract: build it with ` +
        `\`VMS=${BASELINE_VM} BOARDS=${table.board} bash firmware/riot/build-all.sh\`, then ` +
        'upload it with `vmfleet bench footprint`',
    )}`;
  }
  const text = `${over > 0 ? '+' : ''}${fmt.format(over)}`;
  if (table.baselineRiot === null || row.riot === table.baselineRiot) return text;
  return `${text}${notes.mark(
    `built from RIOT ${short(row.riot)}, the VM=${BASELINE_VM} build of ${table.board} from ` +
      `RIOT ${short(table.baselineRiot)}: the difference includes RIOT's own changes`,
  )}`;
}

function peakCell(row: FootprintRow, fmt: ValueFormat, notes: Footnotes): string {
  if (row.runtimePeak !== null) return fmt.format(row.runtimePeak.bytes);
  return `${EMPTY}${notes.mark(row.vm === BASELINE_VM ? BASELINE_RUNS_NOTHING : NO_TELEMETRY)}`;
}

/** A commit hash as git abbreviates it; other names as they are. */
function short(riot: string): string {
  return /^[0-9a-f]{40}$/.test(riot) ? riot.slice(0, 10) : riot;
}
