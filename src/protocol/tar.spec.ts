import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseTarHeader, TAR_BLOCK, tarEnd, tarHeader, tarPadding, TarFormatError } from './tar';

const LONG = `blobs/${'ab'.repeat(40)}/${'c'.repeat(64)}`; // 151 bytes: needs the prefix field

function archive(members: { name: string; body: string }[]): Buffer {
  const parts: Uint8Array[] = [];
  for (const m of members) {
    const body = Buffer.from(m.body);
    parts.push(
      tarHeader({
        name: m.name,
        type: 'file',
        size: body.length,
        mode: 0o640,
        mtime: 1_700_000_000,
      }),
    );
    parts.push(body, tarPadding(body.length));
  }
  parts.push(tarEnd());
  return Buffer.concat(parts);
}

describe('ustar', () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vmfleet-tar-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('writes what GNU tar extracts byte for byte, long names and modes included', () => {
    const file = path.join(dir, 'a.tar');
    fs.writeFileSync(
      file,
      archive([
        { name: 'x.txt', body: 'hello' },
        { name: LONG, body: 'z'.repeat(1000) },
      ]),
    );
    execFileSync('tar', ['-xf', file, '-C', dir]);
    expect(fs.readFileSync(path.join(dir, 'x.txt'), 'utf8')).toBe('hello');
    expect(fs.readFileSync(path.join(dir, LONG), 'utf8')).toBe('z'.repeat(1000));
    expect(fs.statSync(path.join(dir, 'x.txt')).mode & 0o777).toBe(0o640);
  });

  it('reads the headers GNU tar writes in ustar format', () => {
    fs.mkdirSync(path.join(dir, path.dirname(LONG)), { recursive: true });
    fs.writeFileSync(path.join(dir, LONG), 'q'.repeat(700));
    const file = path.join(dir, 'gnu.tar');
    execFileSync('tar', ['--format=ustar', '-cf', file, '-C', dir, LONG]);
    const bytes = new Uint8Array(fs.readFileSync(file));
    expect(parseTarHeader(bytes.subarray(0, TAR_BLOCK))).toMatchObject({
      name: LONG,
      size: 700,
      type: 'file',
    });
    expect(parseTarHeader(bytes.subarray(3 * TAR_BLOCK, 4 * TAR_BLOCK))).toBeNull();
  });

  it('refuses damaged headers, escaping names and other entry types with a reason', () => {
    const good = tarHeader({ name: 'a', type: 'file', size: 1, mode: 0o600, mtime: 0 });
    const flipped = good.slice();
    flipped[3] ^= 1;
    expect(() => parseTarHeader(flipped)).toThrow(/checksum .* does not match/);
    expect(() =>
      tarHeader({ name: '../etc/passwd', type: 'file', size: 1, mode: 0, mtime: 0 }),
    ).toThrow(TarFormatError);
    const link = good.slice();
    link[156] = 0x32; // '2' symlink
    link.fill(0x20, 148, 156);
    let sum = 0;
    for (const b of link) sum += b;
    link.set(new TextEncoder().encode(`${sum.toString(8).padStart(6, '0')}\0 `), 148);
    expect(() => parseTarHeader(link)).toThrow(/entry type '2' is not a file or directory/);
    expect(() => parseTarHeader(new Uint8Array(TAR_BLOCK).fill(7))).toThrow(/not a ustar header/);
    expect(() =>
      tarHeader({ name: 'x'.repeat(101), type: 'file', size: 1, mode: 0, mtime: 0 }),
    ).toThrow(/too long/);
  });
});
