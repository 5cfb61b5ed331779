import { aggregate, cellOf, mostCommonIssue, NO_RUNS_REASON, type RunRecord } from './results';
import { nothingMeasured, run, smallCampaign } from './testing/runs';

function cell(runs: RunRecord[], program: string, vm: string) {
  const found = cellOf(aggregate(runs), program, vm);
  if (!found) throw new Error(`no cell ${program}/${vm}`);
  return found;
}

describe('aggregate', () => {
  it('makes a complete grid in suite, program and VM order', () => {
    const report = aggregate(smallCampaign());
    expect(report.programs).toEqual([
      { suite: 'coisa', program: 'fibonacci' },
      { suite: 'embench', program: 'crc32' },
    ]);
    expect(report.vms).toEqual(['native', 'mips1', 'ebpf']);
    expect(report.cells.map((c) => `${c.program}/${c.vm}`)).toEqual([
      'fibonacci/native',
      'fibonacci/mips1',
      'fibonacci/ebpf',
      'crc32/native',
      'crc32/mips1',
      'crc32/ebpf',
    ]);
    expect(report).toMatchObject({ campaignIds: [7], boards: ['nrf52840'], devices: ['d-1'] });
  });

  it('summarises each metric over the repetitions', () => {
    const fib = cell(smallCampaign(), 'fibonacci', 'mips1');
    expect(fib.metrics.execMs).toEqual({
      n: 3,
      mean: 46,
      median: 46,
      min: 45,
      max: 47,
      stddev: 1,
    });
    expect(fib.metrics.codeBytes).toMatchObject({ n: 3, median: 1204, stddev: 0 });
    expect(fib.counts).toEqual({ ok: 3, invalid: 0, failed: 0, missing: 0, skipped: 0 });
    expect(fib.emptyReason).toBeNull();
    expect(fib.issue).toBeNull();
    expect(fib.engineVersions).toEqual(['0.4.0']);
  });

  it('counts only ok runs in the statistics, and every run in the status counts', () => {
    const runs = [
      ...smallCampaign(),
      run({ repetition: 4, status: 'invalid', reason: 'check: 0x1f != 0x2a', execMs: 1 }),
      run({ repetition: 5, status: 'failed', reason: 'timeout after 5000 ms', execMs: 5000 }),
    ];
    const fib = cell(runs, 'fibonacci', 'mips1');
    expect(fib.metrics.execMs).toMatchObject({ n: 3, min: 45, max: 47, median: 46 });
    expect(fib.counts).toEqual({ ok: 3, invalid: 1, failed: 1, missing: 0, skipped: 0 });
    expect(fib.emptyReason).toBeNull();
    expect(fib.issue).toBe('invalid: check: 0x1f != 0x2a');
  });

  it('does not call a measured cell partial for a device that skipped it', () => {
    const runs = [
      ...smallCampaign(),
      run({ deviceId: 'riot-1', status: 'skipped', reason: 'no native builds on a RIOT device' }),
    ];
    const fib = cell(runs, 'fibonacci', 'mips1');
    expect(fib.counts.skipped).toBe(1);
    expect(fib.issue).toBeNull();
    const alone = cell([runs[runs.length - 1]], 'fibonacci', 'mips1');
    expect(alone.emptyReason).toBe('skipped: no native builds on a RIOT device');
  });

  it('leaves out a metric the ok runs did not report, without emptying the cell', () => {
    const native = cell(smallCampaign(), 'fibonacci', 'native');
    expect(native.metrics.loadMs).toBeNull();
    expect(native.metrics.execMs?.n).toBe(3);
    expect(native.emptyReason).toBeNull();
  });

  it('says why a cell without an ok run is empty', () => {
    const skipped = cell(smallCampaign(), 'crc32', 'ebpf');
    expect(skipped.metrics).toEqual({
      codeBytes: null,
      flashBytes: null,
      ramBytes: null,
      loadMs: null,
      execMs: null,
    });
    expect(skipped.counts.skipped).toBe(3);
    expect(skipped.emptyReason).toBe('skipped: needs eBPF ISA v4 signed division');
  });

  it('empties cells that the plan asks for but nothing ran in', () => {
    const report = aggregate(smallCampaign(), {
      programs: [{ suite: 'coisa', program: 'sieve' }],
      vms: ['wasm'],
    });
    expect(report.programs.map((p) => p.program)).toEqual(['fibonacci', 'sieve', 'crc32']);
    expect(report.vms).toEqual(['native', 'mips1', 'ebpf', 'wasm']);
    expect(report.cells).toHaveLength(12);
    expect(cellOf(report, 'sieve', 'mips1')?.emptyReason).toBe(NO_RUNS_REASON);
    expect(cellOf(report, 'fibonacci', 'wasm')?.emptyReason).toBe(NO_RUNS_REASON);
  });

  it('divides the median execution time by the native median of the same program', () => {
    const report = aggregate(smallCampaign());
    expect(cellOf(report, 'fibonacci', 'mips1')?.slowdown).toBeCloseTo(46 / 0.8, 12);
    expect(cellOf(report, 'crc32', 'mips1')?.slowdown).toBeCloseTo(96 / 1.25, 12);
    expect(cellOf(report, 'fibonacci', 'native')?.slowdown).toBe(1);
    expect(cellOf(report, 'crc32', 'ebpf')?.slowdown).toBeNull();
  });

  it('has no slowdown without a native run of the program', () => {
    const runs = smallCampaign().filter((r) => !(r.vm === 'native' && r.program === 'crc32'));
    const report = aggregate(runs);
    expect(cellOf(report, 'crc32', 'mips1')?.slowdown).toBeNull();
    expect(cellOf(report, 'crc32', 'mips1')?.metrics.execMs?.median).toBe(96);
    expect(cellOf(report, 'fibonacci', 'mips1')?.slowdown).not.toBeNull();
  });

  it('pools the runs of several devices', () => {
    const runs = [
      run({ deviceId: 'd-1', execMs: 10 }),
      run({ deviceId: 'd-2', execMs: 20, board: 'esp32' }),
      run({ deviceId: 'd-2', execMs: 40, board: 'esp32', repetition: 2 }),
    ];
    const report = aggregate(runs);
    expect(report.boards).toEqual(['esp32', 'nrf52840']);
    expect(report.cells[0].devices).toEqual(['d-1', 'd-2']);
    expect(report.cells[0].metrics.execMs).toMatchObject({ n: 3, median: 20 });
  });
});

describe('mostCommonIssue', () => {
  const offline = (deviceId: string) =>
    run({ status: 'missing', reason: `device ${deviceId} offline`, ...nothingMeasured() });

  it('picks the most common status and reason of the runs that were not ok', () => {
    const runs = [
      offline('d-2'),
      run({ status: 'failed', reason: 'timeout' }),
      offline('d-2'),
      run(),
    ];
    expect(mostCommonIssue(runs)).toBe('missing: device d-2 offline');
  });

  it('breaks ties by status order, then by reason', () => {
    expect(mostCommonIssue([offline('d-2'), run({ status: 'failed', reason: 'timeout' })])).toBe(
      'failed: timeout',
    );
    expect(mostCommonIssue([offline('d-3'), offline('d-2')])).toBe('missing: device d-2 offline');
  });

  it('says when a run gave no reason, and is null when every run was ok', () => {
    expect(mostCommonIssue([run({ status: 'failed', reason: ' ' })])).toBe(
      'failed (no reason given)',
    );
    expect(mostCommonIssue([run(), run()])).toBeNull();
    expect(mostCommonIssue([])).toBeNull();
  });
});
