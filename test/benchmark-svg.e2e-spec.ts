import { inflateSync } from 'node:zlib';
import { chromium, type Browser, type Page } from 'playwright-core';
import { aggregate, suitePrograms } from '../src/benchmarks/domain/results';
import { campaignMeta, fleetCampaign } from '../src/benchmarks/domain/testing/runs';
import { renderSvg } from '../src/benchmarks/report';
import { describeWithTool, toolPath } from './support/system-tools';

/** An 8-bit RGB(A), non-interlaced PNG (what Chromium's screenshots are), decoded. */
interface Bitmap {
  width: number;
  height: number;
  /** [r, g, b] of the pixel at (x, y). */
  rgb(x: number, y: number): [number, number, number];
}

const PNG_SIGNATURE = '89504e470d0a1a0a';

/** PNG decoding (ISO/IEC 15948 §11–12): IHDR, concatenated IDAT, zlib, per-row filters. */
function decodePng(png: Buffer): Bitmap {
  expect(png.subarray(0, 8).toString('hex')).toBe(PNG_SIGNATURE);
  const idat: Buffer[] = [];
  let [width, height, channels] = [0, 0, 0];
  for (let at = 8; at < png.length;) {
    const length = png.readUInt32BE(at);
    const type = png.toString('latin1', at + 4, at + 8);
    const data = png.subarray(at + 8, at + 8 + length);
    if (type === 'IHDR') {
      [width, height] = [data.readUInt32BE(0), data.readUInt32BE(4)];
      expect({ depth: data[8], interlace: data[12] }).toEqual({ depth: 8, interlace: 0 });
      channels = { 2: 3, 6: 4 }[data[9]] ?? 0;
      expect(channels).toBeGreaterThan(0);
    }
    if (type === 'IDAT') idat.push(data);
    at += 12 + length;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * channels;
  const pixels = Buffer.alloc(stride * height);
  for (let y = 0; y < height; y++) {
    unfilterRow(raw, 1 + y * (stride + 1), pixels, y * stride, stride, channels);
  }
  return {
    width,
    height,
    rgb: (x, y) => {
      const i = y * stride + x * channels;
      return [pixels[i], pixels[i + 1], pixels[i + 2]];
    },
  };
}

function unfilterRow(raw: Buffer, src: number, out: Buffer, dst: number, n: number, bpp: number) {
  const filter = raw[src - 1];
  for (let i = 0; i < n; i++) {
    const a = i >= bpp ? out[dst + i - bpp] : 0;
    const b = dst >= n ? out[dst - n + i] : 0;
    const c = i >= bpp && dst >= n ? out[dst - n + i - bpp] : 0;
    const predictor = [0, a, b, (a + b) >> 1, paeth(a, b, c)][filter];
    out[dst + i] = (raw[src + i] + predictor) & 0xff;
  }
}

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c;
  const [pa, pb, pc] = [Math.abs(p - a), Math.abs(p - b), Math.abs(p - c)];
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

function hexRgb(hex: string): [number, number, number] {
  return [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16)) as [number, number, number];
}

/** The page pixel in the middle of the first bar of `fill`, from a full-page screenshot. */
async function barCentre(page: Page, fill: string): Promise<[number, number]> {
  const box = await page
    .locator(`path[aria-roledescription="bar"][fill="${fill}"]`)
    .first()
    .boundingBox();
  if (!box) throw new Error(`no ${fill} bar on the page`);
  return [Math.round(box.x + box.width / 2), Math.round(box.y + box.height / 2)];
}

describeWithTool('chromium', 'chromium', 'benchmark report SVG in headless Chromium (e2e)', () => {
  let browser: Browser;
  let page: Page;
  let svg: string;

  beforeAll(async () => {
    const report = aggregate(fleetCampaign(), { programs: suitePrograms() });
    svg = await renderSvg(report, campaignMeta({ vms: report.vms }));
    browser = await chromium.launch({
      executablePath: toolPath('chromium') ?? '/usr/bin/chromium',
    });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
  });

  beforeEach(async () => {
    page = await browser.newPage({ viewport: { width: 1600, height: 1700 }, deviceScaleFactor: 1 });
    await page.setContent(`<!doctype html><body style="margin:0;background:#fff">${svg}</body>`);
  });

  afterEach(async () => {
    await page.close();
  });

  it('parses as strict XML in the browser', async () => {
    const errors = await page.evaluate(
      `new DOMParser().parseFromString(${JSON.stringify(svg)}, 'image/svg+xml')` +
        `.getElementsByTagName('parsererror').length`,
    );
    expect(errors).toBe(0);
  });

  it('lays the SVG out at its own width and height', async () => {
    const [, width, height] = /^<svg [^>]*width="(\d+)" height="(\d+)"/.exec(svg) ?? [];
    const box = await page.locator('body > svg').boundingBox();
    expect(box).toEqual({ x: 0, y: 0, width: Number(width), height: Number(height) });
    expect(Number(width)).toBeGreaterThan(600);
    // 13 programs × 6 VMs that ran (js: device offline) + 12 (micropython: no xgboost)
    // per metric, less native's 13 load times (it has no load step).
    const bars = 5 * (13 * 6 + 12) - 13;
    expect(await page.locator('path[aria-roledescription="bar"]').count()).toBe(bars);
  });

  it('paints the charts: a large, many-coloured screenshot with the bars in their colours', async () => {
    const png = await page.screenshot({ fullPage: true });
    expect(png.length).toBeGreaterThan(5 * 1024);
    const image = decodePng(png);
    expect(image.width).toBeGreaterThanOrEqual(1600);

    const colours = new Map<string, number>();
    let samples = 0;
    for (let y = 0; y < image.height; y += 3) {
      for (let x = 0; x < image.width; x += 3) {
        const key = image.rgb(x, y).join(',');
        colours.set(key, (colours.get(key) ?? 0) + 1);
        samples++;
      }
    }
    expect(colours.size).toBeGreaterThan(20);
    const white = (colours.get('255,255,255') ?? 0) / samples;
    expect(white).toBeGreaterThan(0.3);
    expect(white).toBeLessThan(0.97);

    for (const fill of ['#7f7f7f', '#1f77b4', '#d62728']) {
      const [x, y] = await barCentre(page, fill);
      const [r, g, b] = image.rgb(x, y);
      const [er, eg, eb] = hexRgb(fill);
      expect(Math.abs(r - er) + Math.abs(g - eg) + Math.abs(b - eb)).toBeLessThan(12);
    }
  });
});
