import { aggregate, compare, type Comparison, type RunRecord } from './results';
import { smallCampaign } from './testing/runs';

function ratiosOf(comparison: Comparison, program: string, vm: string) {
  return comparison.cells.find((c) => c.program === program && c.vm === vm)?.ratios;
}

/** The small campaign again, with mips1 twice as fast on fibonacci and half as fast on crc32. */
function candidateRuns(): RunRecord[] {
  return smallCampaign().map((r) => {
    if (r.vm !== 'mips1' || r.execMs === null) return { ...r, campaignId: 8 };
    const factor = r.program === 'fibonacci' ? 0.5 : 2;
    return { ...r, campaignId: 8, execMs: r.execMs * factor, codeBytes: 1000 };
  });
}

describe('compare', () => {
  const baseline = aggregate(smallCampaign());
  const candidate = aggregate(candidateRuns());

  it('divides the candidate median by the baseline median per program, VM and metric', () => {
    const comparison = compare(baseline, candidate);
    expect(ratiosOf(comparison, 'fibonacci', 'mips1')?.execMs).toBeCloseTo(0.5, 12);
    expect(ratiosOf(comparison, 'crc32', 'mips1')?.execMs).toBeCloseTo(2, 12);
    expect(ratiosOf(comparison, 'fibonacci', 'mips1')?.codeBytes).toBeCloseTo(1000 / 1204, 12);
    expect(ratiosOf(comparison, 'fibonacci', 'ebpf')?.execMs).toBe(1);
    expect(comparison.baseline.campaignIds).toEqual([7]);
    expect(comparison.candidate.campaignIds).toEqual([8]);
  });

  it('has no ratio where either campaign has no median', () => {
    const comparison = compare(baseline, candidate);
    expect(ratiosOf(comparison, 'crc32', 'ebpf')).toEqual({
      codeBytes: null,
      flashBytes: null,
      ramBytes: null,
      loadMs: null,
      execMs: null,
    });
    expect(ratiosOf(comparison, 'fibonacci', 'native')?.loadMs).toBeNull();
  });

  it('takes a geomean per VM and metric over the programs that have a ratio', () => {
    const { geomeans } = compare(baseline, candidate);
    const mips1 = geomeans.find((g) => g.vm === 'mips1');
    expect(mips1?.metrics.execMs.geomean).toBeCloseTo(1, 12); // √(0.5 × 2)
    expect(mips1?.metrics.execMs.n).toBe(2);
    expect(mips1?.metrics.codeBytes.geomean).toBeCloseTo(
      Math.sqrt((1000 / 1204) * (1000 / 1610)),
      12,
    );
    const ebpf = geomeans.find((g) => g.vm === 'ebpf');
    expect(ebpf?.metrics.execMs).toEqual({ geomean: 1, n: 1 });
    const native = geomeans.find((g) => g.vm === 'native');
    expect(native?.metrics.loadMs).toEqual({ geomean: null, n: 0 });
  });

  it('covers the programs and VMs of both reports', () => {
    const extra = aggregate([
      ...candidateRuns(),
      ...candidateRuns()
        .filter((r) => r.vm === 'mips1')
        .map((r) => ({ ...r, vm: 'wasm' })),
    ]);
    const comparison = compare(baseline, extra);
    expect(comparison.vms).toEqual(['native', 'mips1', 'ebpf', 'wasm']);
    expect(comparison.cells).toHaveLength(8);
    expect(ratiosOf(comparison, 'fibonacci', 'wasm')?.execMs).toBeNull();
    expect(comparison.geomeans.map((g) => g.vm)).toEqual(comparison.vms);
  });
});
