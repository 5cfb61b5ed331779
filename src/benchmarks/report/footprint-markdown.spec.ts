import { footprintTables, type FootprintBuild } from '../domain/footprint';
import { aggregate } from '../domain/results';
import { FEATHER_BOARD, snapshot, storedBuilds } from '../domain/testing/footprints';
import { campaignMeta, smallCampaign } from '../domain/testing/runs';
import { Footnotes } from './format';
import { footprintSection } from './footprint-markdown';
import { renderMarkdown } from './markdown';

/** The table rows under "### board", as cells. */
function boardRows(section: string, board: string): string[][] {
  const part = section.split(`### ${board}\n`)[1]?.split('\n### ')[0] ?? '';
  const lines = part.split('\n').filter((l) => l.startsWith('|'));
  return lines.map((line) => line.slice(2, -2).split(' | '));
}

function render(builds: FootprintBuild[] = storedBuilds(), snapshots = [snapshot()]) {
  const notes = new Footnotes();
  const section = footprintSection(footprintTables(builds, snapshots), notes);
  const note = (cell: string) => notes.entries[Number(/\[(\d+)\]$/.exec(cell)?.[1]) - 1];
  return { section, note };
}

describe('footprintSection', () => {
  it('has a table per board: VMs as rows, ROM and static RAM with their excess over none', () => {
    const { section } = render();
    expect(section.startsWith('## VM footprint\n\n')).toBe(true);
    expect(section).toContain("each over the board's VM=none build (the agent alone)");
    const native = boardRows(section, 'native64');
    expect(native[0]).toEqual([
      'VM',
      'ROM, text + data (KiB)',
      'ROM over none (KiB)',
      'static RAM, data + bss (KiB)',
      'static RAM over none (KiB)',
      'runtime peak, heap + stack (KiB)',
    ]);
    // (273376 + 10744) / 1024 = 277.5; mips1 (293921 + 11064) / 1024 = 297.8, +20.4 over none.
    expect(native[2].slice(0, 5)).toEqual(['none', '277.5', 'baseline', '403.0', 'baseline']);
    expect(native[3]).toEqual(['mips1', '297.8', '+20.4', '468.5', '+65.5', '8.0']);
    expect(native.slice(2).map((r) => r[0])).toEqual(['none', 'mips1', 'wasm']);
    expect(
      boardRows(section, FEATHER_BOARD)
        .slice(2)
        .map((r) => r[0]),
    ).toEqual(['none', 'mips1', 'ebpf']);
  });

  it('footnotes a runtime peak no device reported, and the baseline that runs no VM', () => {
    const { section, note } = render();
    const native = boardRows(section, 'native64');
    expect(note(native[4][5])).toMatch(/^no device running this VM on this board has sent `os`/);
    expect(note(native[2][5])).toBe('the VM=none build runs no VM, so no device reports it');
  });

  it('footnotes the excess of a board with no VM=none build, saying how to build it', () => {
    const builds = storedBuilds().filter((b) => b.vm !== 'none' || b.board !== 'native64');
    const { section, note } = render(builds);
    const mips1 = boardRows(section, 'native64')[2];
    expect(mips1.slice(0, 2)).toEqual(['mips1', '297.8']);
    expect(mips1[2]).toMatch(/^—\[\d+\]$/);
    expect(note(mips1[2])).toContain('VMS=none BOARDS=native64 bash firmware/riot/build-all.sh');
    expect(mips1[4]).toBe(mips1[2]);
  });

  it('footnotes an excess over a baseline built from another RIOT commit', () => {
    const builds = storedBuilds().map((b) =>
      b.vm === 'wasm' ? { ...b, riot: 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678' } : b,
    );
    const { section, note } = render(builds);
    const wasm = boardRows(section, 'native64')[4];
    expect(wasm[2]).toMatch(/^\+126\.2\[\d+\]$/);
    expect(note(wasm[2])).toBe(
      "built from RIOT a1b2c3d4e5, the VM=none build of native64 from RIOT e64f19884e: the difference includes RIOT's own changes",
    );
  });

  it('says how to produce footprints when none are stored', () => {
    const { section } = render([]);
    expect(section).toBe(
      '## VM footprint\n\nNo firmware footprints are stored. Build them with ' +
        '`bash firmware/riot/build-all.sh`, then upload them with `vmfleet bench footprint`.',
    );
  });
});

describe('renderMarkdown with footprints', () => {
  const report = aggregate(smallCampaign());

  it('puts the footprint section after the slowdown, its notes numbered with the rest', () => {
    const md = renderMarkdown(report, campaignMeta(), footprintTables(storedBuilds()));
    const headings = [...md.matchAll(/^## (.*)$/gm)].map((m) => m[1]);
    expect(headings.slice(-3)).toEqual([
      'Slowdown vs native (median execution time ÷ native median)',
      'VM footprint',
      'Notes',
    ]);
    const notes = md.slice(md.indexOf('## Notes'));
    expect(notes).toMatch(/^- \[1\] skipped: needs eBPF ISA v4 signed division$/m);
    expect(notes).toMatch(/^- \[3\] the VM=none build runs no VM/m);
  });

  it('keeps the section (with its hint) when the caller has no footprints', () => {
    expect(renderMarkdown(report, campaignMeta())).toContain(
      '## VM footprint\n\nNo firmware footprints are stored.',
    );
  });
});
