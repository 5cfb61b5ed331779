import { aggregate, BENCH_METRICS } from '../domain/results';
import { fleetCampaign, smallCampaign } from '../domain/testing/runs';
import { CSV_HEADER, csvField, renderCsv } from './csv';

/** An RFC 4180 reader: enough to check that what renderCsv writes reads back the same. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted && ch === '"' && text[i + 1] === '"') {
      field += '"';
      i++;
    } else if (ch === '"') {
      quoted = !quoted;
    } else if (!quoted && ch === ',') {
      row.push(field);
      field = '';
    } else if (!quoted && ch === '\r' && text[i + 1] === '\n') {
      rows.push([...row, field]);
      [row, field] = [[], ''];
      i++;
    } else {
      field += ch;
    }
  }
  if (field !== '' || row.length > 0) rows.push([...row, field]);
  return rows;
}

describe('renderCsv', () => {
  it('writes a header and one CRLF-terminated row per program × VM × metric', () => {
    const report = aggregate(fleetCampaign());
    const csv = renderCsv(report);
    const lines = csv.split('\r\n');
    expect(lines.pop()).toBe('');
    expect(lines).toHaveLength(1 + report.programs.length * report.vms.length * 5);
    expect(lines[0]).toBe(
      'suite,program,vm,metric,unit,n,mean,median,min,max,stddev,ok,invalid,failed,missing,skipped,emptyReason',
    );
    expect(csv).not.toMatch(/[^\r]\n/);
  });

  it('writes statistics, status counts and the empty reason', () => {
    const rows = parseCsv(renderCsv(aggregate(smallCampaign())));
    const at = (program: string, vm: string, metric: string) =>
      Object.fromEntries(
        CSV_HEADER.map((h, i) => [
          h,
          rows.find((r) => r[1] === program && r[2] === vm && r[3] === metric)?.[i],
        ]),
      );
    expect(at('fibonacci', 'mips1', 'execMs')).toEqual({
      suite: 'coisa',
      program: 'fibonacci',
      vm: 'mips1',
      metric: 'execMs',
      unit: 'ms',
      n: '3',
      mean: '46',
      median: '46',
      min: '45',
      max: '47',
      stddev: '1',
      ok: '3',
      invalid: '0',
      failed: '0',
      missing: '0',
      skipped: '0',
      emptyReason: '',
    });
    expect(at('crc32', 'ebpf', 'codeBytes')).toMatchObject({
      n: '',
      median: '',
      stddev: '',
      skipped: '3',
      emptyReason: 'skipped: needs eBPF ISA v4 signed division',
    });
    expect(rows.filter((r) => r[2] === 'native').map((r) => r[3])).toEqual([
      ...BENCH_METRICS,
      ...BENCH_METRICS,
    ]);
  });

  it('quotes fields with commas, quotes and line breaks (RFC 4180)', () => {
    expect(csvField('plain text')).toBe('plain text');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField('cr\rhere')).toBe('"cr\rhere"');
    const reason = 'needs "ISA v4",\r\nsigned division';
    const runs = smallCampaign().map((r) => (r.status === 'skipped' ? { ...r, reason } : r));
    const csv = renderCsv(aggregate(runs));
    expect(csv).toContain('"skipped: needs ""ISA v4"",\r\nsigned division"\r\n');
    const rows = parseCsv(csv);
    expect(rows).toHaveLength(1 + 2 * 3 * 5);
    expect(rows.every((r) => r.length === CSV_HEADER.length)).toBe(true);
    expect(rows.filter((r) => r[16] === `skipped: ${reason}`)).toHaveLength(5);
  });
});
