import type { DecodedText } from '../decode';
import type { EmitLayout } from './emit';
import { sharedRegions } from './shared-regions';

const LAYOUT: EmitLayout = {
  base: 0x1000,
  ...{ loadLo: 0x1000, storeLo: 0x2000 },
  ...{ load1: 0xf000, load2: 0xefff, load4: 0xeffd },
  ...{ store1: 0xe000, store2: 0xdfff, store4: 0xdffd },
};

const textOf = (words: number[]): DecodedText => ({
  code: Int32Array.from(words),
  loadAddress: LAYOUT.base,
  textBytes: words.length * 2,
});

describe('sharedRegions', () => {
  it('gives every load of the same text and layout the same regions', () => {
    const first = sharedRegions<string>(textOf([1, 2, 3, 4]), LAYOUT);
    first.set(0, 'region at 0');
    expect(sharedRegions<string>(textOf([1, 2, 3, 4]), LAYOUT).get(0)).toBe('region at 0');
  });

  it.each([
    ['one word differs', textOf([5, 6, 7, 9]), LAYOUT],
    ['text is longer', textOf([5, 6, 7, 8, 0, 0]), LAYOUT],
    ['a layout number differs', textOf([5, 6, 7, 8]), { ...LAYOUT, storeLo: 0x3000 }],
  ])('keeps regions apart when %s', (_what, text, layout) => {
    sharedRegions<string>(textOf([5, 6, 7, 8]), LAYOUT).set(0, 'the original');
    expect(sharedRegions<string>(text, layout).get(0)).toBeUndefined();
  });

  it('copies the text, so a later change to the loaded array cannot alias it', () => {
    const text = textOf([9, 9, 9, 9]);
    sharedRegions<string>(text, LAYOUT).set(0, 'nines');
    text.code[3] = 8;
    expect(sharedRegions<string>(text, LAYOUT).get(0)).toBeUndefined();
    expect(sharedRegions<string>(textOf([9, 9, 9, 9]), LAYOUT).get(0)).toBe('nines');
  });
});
