import { aggregate, BENCH_METRICS } from '../domain/results';
import { campaignMeta, smallCampaign } from '../domain/testing/runs';
import { renderJson } from './json';

describe('renderJson', () => {
  const report = aggregate(smallCampaign());

  it('is plain data that survives a JSON round trip unchanged', () => {
    const json = renderJson(report, campaignMeta());
    expect(JSON.parse(JSON.stringify(json))).toEqual(json);
    expect(json.cells).toEqual(report.cells);
    expect(json.programs).toEqual(report.programs);
    expect(json.metrics.map((m) => m.key)).toEqual([...BENCH_METRICS]);
    expect(json.metrics[0]).toEqual({
      key: 'codeBytes',
      label: 'code size',
      unit: 'B',
      lowerIsBetter: true,
    });
  });

  it('gives timestamps as ISO 8601', () => {
    const { campaign } = renderJson(report, campaignMeta());
    expect(campaign).toMatchObject({
      id: 7,
      name: 'nightly',
      createdAt: '2025-05-01T10:00:00.000Z',
      finishedAt: '2025-05-01T10:42:13.000Z',
    });
    expect(
      renderJson(report, campaignMeta({ finishedAt: null, name: undefined })).campaign,
    ).toMatchObject({ finishedAt: null, name: null });
  });

  it('copies, so changing the output leaves the report alone', () => {
    const json = renderJson(report, campaignMeta());
    json.cells[0].counts.ok = 99;
    expect(report.cells[0].counts.ok).toBe(3);
  });
});
