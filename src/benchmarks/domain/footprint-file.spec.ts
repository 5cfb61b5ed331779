import { parseOrThrow } from '../../common/zod';
import { footprintFileSchema } from './footprint-file';
import { footprintFile } from './testing/footprints';

type Json = Record<string, unknown>;

function issues(value: unknown): string[] {
  const result = footprintFileSchema.safeParse(value);
  if (result.success) return [];
  return result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
}

function withBuild(over: Json): Json {
  const file = footprintFile();
  return { ...file, builds: [{ ...file.builds[0], ...over }, ...file.builds.slice(1)] };
}

describe('footprintFileSchema (vmfleet-footprint/1)', () => {
  it('accepts what build-all.sh writes, including riot "unknown"', () => {
    expect(issues(footprintFile())).toEqual([]);
    expect(issues(withBuild({ riot: 'unknown' }))).toEqual([]);
    expect(footprintFileSchema.parse(footprintFile())).toEqual(footprintFile());
  });

  it.each<[string, unknown, RegExp]>([
    [
      'another schema',
      { ...footprintFile(), schema: 'vmfleet-footprint/2' },
      /^schema: "schema" must be "vmfleet-footprint\/1"/,
    ],
    [
      'no builds',
      { schema: 'vmfleet-footprint/1', builds: [] },
      /^builds: no builds: run firmware\/riot\/build-all.sh/,
    ],
    [
      'an unknown VM',
      withBuild({ vm: 'python' }),
      /^builds.0.vm: the VM of the build: one of none, mips1, /,
    ],
    [
      'a board with capitals',
      withBuild({ board: 'Native64' }),
      /^builds.0.board: 1-32 chars of a-z 0-9 _ -/,
    ],
    [
      'a negative size',
      withBuild({ textBytes: -1 }),
      /^builds.0.textBytes: the text section's size cannot be negative/,
    ],
    [
      'a fractional size',
      withBuild({ bssBytes: 1.5 }),
      /^builds.0.bssBytes: the bss section's size in whole bytes/,
    ],
    [
      'a size as text',
      withBuild({ dataBytes: '10744' }),
      /^builds.0.dataBytes: the data section's size in bytes, a number/,
    ],
    ['a size above 1 TiB', withBuild({ textBytes: 2 ** 41 }), /above 1 TiB/],
    [
      'a time that is not ISO 8601',
      withBuild({ builtAt: 'yesterday' }),
      /^builds.0.builtAt: an ISO 8601 time/,
    ],
    ['a missing field', withBuild({ riot: undefined }), /^builds.0.riot: /],
    ['an unknown field', withBuild({ decBytes: 1 }), /^builds.0: Unrecognized key: "decBytes"/],
    [
      'an unknown top-level field',
      { ...footprintFile(), extra: 1 },
      /^: Unrecognized key: "extra"/,
    ],
  ])('refuses %s', (_what, value, message) => {
    const found = issues(value);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(message);
  });

  it('refuses two builds of one VM and board, naming the second', () => {
    const file = footprintFile();
    const found = issues({ ...file, builds: [...file.builds, { ...file.builds[1] }] });
    expect(found).toEqual([
      `builds.${file.builds.length}: a second build of VM mips1 on native64: one entry per VM and board`,
    ]);
  });

  it('lists every issue in the error the REST edge answers with', () => {
    const bad = withBuild({ textBytes: -1, builtAt: 'soon' });
    expect(() => parseOrThrow(footprintFileSchema, bad, 'footprint file')).toThrow(
      /^invalid footprint file: builds\.0\.textBytes: .*; builds\.0\.builtAt: /,
    );
  });
});
