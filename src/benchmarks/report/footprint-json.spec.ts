import { footprintTables } from '../domain/footprint';
import { aggregate } from '../domain/results';
import { snapshot, storedBuilds } from '../domain/testing/footprints';
import { campaignMeta, smallCampaign } from '../domain/testing/runs';
import { renderJson } from './json';

describe('renderJson footprint', () => {
  const report = aggregate(smallCampaign());
  const tables = footprintTables(storedBuilds(), [snapshot()]);

  it('carries every board table as plain data, build times as ISO 8601', () => {
    const json = renderJson(report, campaignMeta(), tables);
    expect(JSON.parse(JSON.stringify(json))).toEqual(json);
    expect(json.footprint.baselineVm).toBe('none');
    expect(json.footprint.boards.map((b) => b.board)).toEqual([
      'adafruit-feather-nrf52840-sense',
      'native64',
    ]);
    const mips1 = json.footprint.boards[1].rows[1];
    expect(mips1).toEqual({
      vm: 'mips1',
      riot: 'e64f19884e24733a35a26d6accefabfcd35afb74',
      builtAt: '2026-12-03T15:16:29.875Z',
      textBytes: 293_921,
      dataBytes: 11_064,
      bssBytes: 468_688,
      romBytes: 304_985,
      romOverBaseline: 304_985 - 284_120,
      staticRamBytes: 479_752,
      staticRamOverBaseline: 479_752 - 412_680,
      runtimePeak: {
        bytes: 8_192,
        heapPeakBytes: 6_144,
        stackUsedBytes: 2_048,
        deviceId: 'riot-1',
        devices: 1,
      },
    });
  });

  it('has an empty list without footprints, and copies what it is given', () => {
    expect(renderJson(report, campaignMeta()).footprint).toEqual({
      baselineVm: 'none',
      boards: [],
    });
    const json = renderJson(report, campaignMeta(), tables);
    json.footprint.boards[1].rows[1].runtimePeak!.bytes = 1;
    expect(tables[1].rows[1].runtimePeak?.bytes).toBe(8_192);
  });
});
