import { aggregate, BENCH_METRICS, metricTitle, type RunRecord } from '../domain/results';
import { campaignMeta, fleetCampaign, run, smallCampaign } from '../domain/testing/runs';
import { renderMarkdown } from './markdown';

/** The "## " sections of a document, by heading. */
function sections(markdown: string): Map<string, string> {
  const parts = markdown.split(/^## /m).slice(1);
  return new Map(parts.map((part) => [part.slice(0, part.indexOf('\n')), part]));
}

/** The body rows of the first table in `text`, as cells (escaped pipes kept as text). */
function tableRows(text: string): string[][] {
  const lines = text.split('\n').filter((l) => l.startsWith('|'));
  return lines.slice(2).map((line) =>
    line
      .slice(2, -2)
      .split(/ (?<!\\)\| /)
      .map((c) => c.replace(/\\\|/g, '|')),
  );
}

function notesOf(markdown: string): Map<string, string> {
  const notes = sections(markdown).get('Notes') ?? '';
  return new Map([...notes.matchAll(/^- \[(\d+)\] (.*)$/gm)].map((m) => [m[1], m[2]]));
}

function metricSection(markdown: string, title: string): string {
  const entry = [...sections(markdown)].find(([heading]) => heading.startsWith(`${title} (`));
  if (!entry) throw new Error(`no section ${title}`);
  return entry[1];
}

const FILLED = /^\d+(\.\d+)? ± \d+(\.\d+)?(\[\d+\])?$/;
const FOOTNOTED = /^—\[(\d+)\]$/;

describe('renderMarkdown', () => {
  const meta = campaignMeta();

  it('starts with a title and a metadata paragraph', () => {
    const md = renderMarkdown(aggregate(smallCampaign()), meta);
    expect(md.startsWith('# Benchmark campaign 7: nightly\n\n')).toBe(true);
    const paragraph = md.split('\n\n')[1];
    expect(paragraph).toContain('Suites coisa and embench: 2 programs on 3 VMs');
    expect(paragraph).toContain('1 device (d-1; board nrf52840), 3 repetitions each');
    expect(paragraph).toContain('Created 2025-05-01 10:00 UTC, finished 2025-05-01 10:42 UTC');
    expect(paragraph).toContain('(42 min 13 s)');
    expect(paragraph).toContain('Engines: native gcc-12.2, mips1 0.4.0, ebpf 0.2.1.');
    expect(
      renderMarkdown(aggregate(smallCampaign()), campaignMeta({ finishedAt: null })),
    ).toContain('still running');
  });

  it('has one table per metric, every program × VM cell filled or footnoted', () => {
    const report = aggregate(fleetCampaign());
    const md = renderMarkdown(report, meta);
    const notes = notesOf(md);
    for (const metric of BENCH_METRICS) {
      const section = metricSection(md, metricTitle(metric));
      expect(section.match(/^\| suite \| program \| (.*) \|$/m)?.[1].split(' | ')).toEqual(
        report.vms,
      );
      const rows = tableRows(section);
      expect(rows.map((r) => r[1])).toEqual(report.programs.map((p) => p.program));
      for (const cells of rows.map((r) => r.slice(2))) {
        expect(cells).toHaveLength(report.vms.length);
        for (const text of cells) {
          expect(text).toMatch(FILLED.test(text) ? FILLED : FOOTNOTED);
          const marker = FOOTNOTED.exec(text)?.[1];
          if (marker) expect(notes.has(marker)).toBe(true);
        }
      }
    }
    expect([...sections(md).keys()].filter((h) => /\((B|KiB|ms)\)$/.test(h))).toHaveLength(5);
  });

  it('footnotes empty cells with the reason, once per distinct reason', () => {
    const md = renderMarkdown(aggregate(fleetCampaign()), meta);
    const notes = [...notesOf(md).values()];
    expect(notes).toContain('missing: device d-3 offline');
    expect(notes).toContain('skipped: model does not fit in 256 KiB RAM');
    expect(notes).toContain('native does not report load time');
    expect(new Set(notes).size).toBe(notes.length);
    const exec = tableRows(metricSection(md, 'Execution time'));
    const xgboost = exec.find((r) => r[1] === 'xgboost') ?? [];
    const marker = FOOTNOTED.exec(xgboost[2 + 6])?.[1] ?? '';
    expect(notesOf(md).get(marker)).toBe('skipped: model does not fit in 256 KiB RAM');
  });

  it('prints median ± stddev with units and precision per metric', () => {
    const md = renderMarkdown(aggregate(smallCampaign()), meta);
    expect(tableRows(metricSection(md, 'Code size'))[0].slice(2)).toEqual([
      '412 ± 0',
      '1204 ± 0',
      '980 ± 0',
    ]);
    expect(md).toContain('## Flash footprint (KiB)');
    expect(tableRows(metricSection(md, 'Flash footprint'))[0][2]).toBe('21.0 ± 0.0');
    expect(tableRows(metricSection(md, 'Execution time'))[0].slice(2)).toEqual([
      '0.800 ± 0.015',
      '46.0 ± 1.0',
      '31.0 ± 1.5',
    ]);
  });

  it('marks a cell whose statistics rest on fewer runs than were made', () => {
    const runs: RunRecord[] = [
      ...smallCampaign(),
      run({ repetition: 4, status: 'failed', reason: 'timeout after 5000 ms', execMs: null }),
    ];
    const md = renderMarkdown(aggregate(runs), meta);
    const cell = tableRows(metricSection(md, 'Execution time'))[0][3];
    const marker = /\[(\d+)\]$/.exec(cell)?.[1] ?? '';
    expect(cell.startsWith('46.0 ± 1.0[')).toBe(true);
    expect(notesOf(md).get(marker)).toBe(
      '3 of 4 runs ok, statistics over those; most common problem: failed: timeout after 5000 ms',
    );
  });

  it('tabulates the slowdown against native with a geomean row', () => {
    const md = renderMarkdown(aggregate(smallCampaign()), meta);
    const section = [...sections(md)].find(([h]) => h.startsWith('Slowdown vs native'))?.[1];
    const rows = tableRows(section ?? '');
    expect(rows).toEqual([
      ['coisa', 'fibonacci', '57.5×', '38.8×'],
      ['embench', 'crc32', '76.8×', expect.stringMatching(FOOTNOTED)],
      ['', 'geomean', '66.5×', '38.8×'],
    ]);
  });

  it('says so when there is no native baseline', () => {
    const runs = smallCampaign().filter((r) => r.vm !== 'native');
    const md = renderMarkdown(aggregate(runs), meta);
    expect(md).toContain('No native baseline in this campaign, so no slowdown.');
  });

  it('escapes pipes so a reason cannot break a table', () => {
    const runs = smallCampaign().map((r) =>
      r.status === 'skipped' ? { ...r, reason: 'needs a|b' } : r,
    );
    const md = renderMarkdown(aggregate(runs), meta);
    expect(md).toContain('- [1] skipped: needs a|b');
    for (const metric of BENCH_METRICS) {
      for (const row of tableRows(metricSection(md, metricTitle(metric)))) {
        expect(row).toHaveLength(5);
      }
    }
  });
});
