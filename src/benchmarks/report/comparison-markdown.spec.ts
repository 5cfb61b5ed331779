import { aggregate, BENCH_METRICS, compare, metricTitle } from '../domain/results';
import { smallCampaign } from '../domain/testing/runs';
import { renderComparisonMarkdown } from './comparison-markdown';

describe('renderComparisonMarkdown', () => {
  const baseline = aggregate(smallCampaign());
  const candidate = aggregate(
    smallCampaign().map((r) => ({
      ...r,
      campaignId: 9,
      execMs: r.vm === 'mips1' && r.execMs !== null ? r.execMs / 2 : r.execMs,
    })),
  );
  const md = renderComparisonMarkdown(compare(baseline, candidate));

  it('names the campaigns and has one ratio table per metric', () => {
    expect(md.startsWith('# Comparison: campaign 9 vs campaign 7\n')).toBe(true);
    for (const metric of BENCH_METRICS) expect(md).toContain(`## ${metricTitle(metric)}\n`);
    expect(md.match(/^\| suite \| program \| native \| mips1 \| ebpf \|$/gm)).toHaveLength(5);
  });

  it('prints ratios, dashes where there is none, and a geomean row', () => {
    const exec = md.slice(md.indexOf('## Execution time'));
    expect(exec).toContain('| coisa | fibonacci | 1.00× | 0.500× | 1.00× |');
    expect(exec).toContain('| embench | crc32 | 1.00× | 0.500× | — |');
    expect(exec).toContain('|  | geomean | 1.00× (n=2) | 0.500× (n=2) | 1.00× (n=1) |');
    const load = md.slice(md.indexOf('## Load time'), md.indexOf('## Execution time'));
    expect(load).toContain('| coisa | fibonacci | — | 1.00× | 1.00× |');
  });
});
