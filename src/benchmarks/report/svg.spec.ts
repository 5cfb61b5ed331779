import { aggregate, BENCH_METRICS, metricTitle, type BenchReport } from '../domain/results';
import { campaignMeta, fleetCampaign, smallCampaign } from '../domain/testing/runs';
import { chartSpec, needsLogScale, renderSvg } from './svg';

const TAG =
  /^<(\/?)([A-Za-z_][\w:.-]*)((?:\s+[A-Za-z_][\w:.-]*\s*=\s*(?:"[^"<]*"|'[^'<]*'))*)\s*(\/?)>/;
const BAD_AMPERSAND = /&(?!(?:amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);)/;

/** Why `xml` is not well-formed XML (one root, nested tags, quoted unique attributes, escaped text), or null. */
function xmlProblem(xml: string): string | null {
  const open: string[] = [];
  let roots = 0;
  let i = 0;
  while (i < xml.length) {
    const lt = xml.indexOf('<', i);
    const text = xml.slice(i, lt < 0 ? xml.length : lt);
    if (BAD_AMPERSAND.test(text)) return `unescaped & in text at ${i}`;
    if (open.length === 0 && text.trim() !== '') return `text outside the root at ${i}`;
    if (lt < 0) break;
    if (xml.startsWith('<!--', lt) || xml.startsWith('<?', lt)) {
      const close = xml.indexOf(xml.startsWith('<!--', lt) ? '-->' : '?>', lt);
      if (close < 0) return `unterminated comment at ${lt}`;
      i = close + 2;
      continue;
    }
    const m = TAG.exec(xml.slice(lt));
    if (!m) return `malformed tag at ${lt}: ${xml.slice(lt, lt + 40)}`;
    const [whole, closing, name, attributes, selfClosing] = m;
    const names = [...attributes.matchAll(/([\w:.-]+)\s*=/g)].map((a) => a[1]);
    if (new Set(names).size !== names.length) return `duplicate attribute in <${name}>`;
    if (BAD_AMPERSAND.test(attributes)) return `unescaped & in <${name}> attributes`;
    if (closing) {
      if (open.pop() !== name) return `</${name}> closes the wrong element at ${lt}`;
    } else {
      if (open.length === 0 && ++roots > 1) return `second root <${name}>`;
      if (!selfClosing) open.push(name);
    }
    i = lt + whole.length;
  }
  if (open.length > 0) return `unclosed <${open.join('><')}>`;
  return roots === 1 ? null : 'no root element';
}

function charts(svg: string): string[] {
  return svg.split(/<g class="mark-group role-scope concat_\d+_group"/).slice(1);
}

function bars(chart: string): string[] {
  return [...chart.matchAll(/aria-label="([^"]*)"[^>]*aria-roledescription="bar"/g)].map(
    (m) => m[1],
  );
}

function yScaleTypes(report: BenchReport): (string | undefined)[] {
  const spec = chartSpec(report, campaignMeta()) as unknown as {
    vconcat: { layer: { encoding: { y: { scale: { type?: string } } } }[] }[];
  };
  return spec.vconcat.map((chart) => chart.layer[0].encoding.y.scale.type);
}

describe('xmlProblem (the checker the SVG tests rely on)', () => {
  it.each([
    ['<a><b></a></b>', 'closes the wrong element'],
    ['<a>x & y</a>', 'unescaped &'],
    ['<a b="1" b="2"/>', 'duplicate attribute'],
    ['<a b=1/>', 'malformed tag'],
    ['<a/><b/>', 'second root'],
    ['<a><b>', 'unclosed'],
  ])('rejects %s', (xml, problem) => {
    expect(xmlProblem(xml)).toContain(problem);
  });

  it('accepts well-formed XML', () => {
    expect(xmlProblem('<?xml version="1.0"?><a x="&amp;"><b/>t &lt; u<!-- c --></a>')).toBeNull();
  });
});

describe('renderSvg', () => {
  it('renders one well-formed SVG with one chart per metric', async () => {
    const svg = await renderSvg(aggregate(smallCampaign()), campaignMeta());
    expect(xmlProblem(svg)).toBeNull();
    expect(svg).toMatch(/^<svg [^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"[^>]*width="\d+"/);
    const parts = charts(svg);
    expect(parts).toHaveLength(BENCH_METRICS.length);
    BENCH_METRICS.forEach((metric, i) => expect(parts[i]).toContain(`>${metricTitle(metric)} (`));
    expect(svg).toContain('>Benchmark campaign 7: nightly</text>');
  });

  it('draws one bar per cell with the metric, none for empty cells', async () => {
    const svg = await renderSvg(aggregate(smallCampaign()), campaignMeta());
    const [code, , , load] = charts(svg).map(bars);
    expect(code).toHaveLength(5);
    expect(code.some((label) => label.includes('crc32') && label.includes('vm: ebpf'))).toBe(false);
    expect(code.some((label) => label.includes('crc32') && label.includes('vm: mips1'))).toBe(true);
    expect(load).toHaveLength(3); // native reports no load time
  });

  it('uses a log axis where a metric spans more than a factor of 100', async () => {
    const report = aggregate(smallCampaign());
    // exec: 96 ms / 0.8 ms = 120; code size: 1610 B / 412 B < 4.
    expect(needsLogScale(report, 'execMs')).toBe(true);
    expect(needsLogScale(report, 'codeBytes')).toBe(false);
    expect(yScaleTypes(report)).toEqual([undefined, undefined, undefined, undefined, 'log']);
    const svg = await renderSvg(report, campaignMeta());
    expect(charts(svg)[4]).toContain('>Execution time (ms), log scale</text>');
    expect(charts(svg)[0]).not.toContain('log scale');
  });

  it('keeps linear axes when every metric is within a factor of 100', () => {
    const narrow = aggregate(smallCampaign().filter((r) => r.vm !== 'native'));
    expect(yScaleTypes(narrow)).toEqual([undefined, undefined, undefined, undefined, undefined]);
  });

  it('escapes what it is given, and draws a full fleet', async () => {
    const report = aggregate(fleetCampaign());
    const svg = await renderSvg(report, campaignMeta({ name: 'nightly & <weekly>' }));
    expect(xmlProblem(svg)).toBeNull();
    expect(svg).toContain('nightly &amp; &lt;weekly&gt;');
    // js never ran (device offline), micropython has no xgboost: 13 × 6 + 12 bars.
    expect(bars(charts(svg)[4])).toHaveLength(13 * 6 + 12);
  });
});
