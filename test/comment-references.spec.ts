import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';

/**
 * Comments that cite a file of this repository (`src/…`, `devices/…`, `firmware/…`, …)
 * cite one that exists, so a reader following them never lands nowhere. A path is taken
 * from the repository root, or else from the citing file's folder; build outputs are
 * exempt (they exist once built).
 */
const ROOT = join(__dirname, '..');
const TOP = ['src', 'devices', 'cli', 'test', 'bench', 'firmware', 'docs', 'tools', '.ci'];
const SKIP = new Set(['node_modules', 'dist', '.riot', '.git', 'coverage', 'build', 'bin']);
const CITED = new RegExp(
  `(?<![\\w@./-])((?:${TOP.map((t) => t.replace('.', '\\.')).join('|')})/[\\w./-]*[\\w-]\\.[a-zA-Z]{1,4})\\b`,
  'g',
);
const BUILT = /(^|\/)(build|bin|dist)\//;
/** Vendored newlib headers: their comments cite newlib's tree. */
const VENDORED = ['firmware/sdk/mips1/include', 'firmware/sdk/mips1/sys'];

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (SKIP.has(e.name) || VENDORED.includes(relative(ROOT, path))) return [];
    if (e.isDirectory()) return sources(path);
    return /\.(ts|c|h)$/.test(e.name) ? [path] : [];
  });
}

function danglingIn(file: string): string[] {
  const found: string[] = [];
  readFileSync(file, 'utf8')
    .split('\n')
    .forEach((line, i) => {
      const comment = line.match(/(\/\/|\/\*|^\s*\*)(.*)$/);
      if (!comment) return;
      for (const [, cited] of comment[2].matchAll(CITED)) {
        if (BUILT.test(cited)) continue;
        // firmware/ cites its own files from its root (firmware/README.md does the same).
        const bases = [ROOT, dirname(file), join(ROOT, 'firmware')];
        if (bases.some((base) => existsSync(join(base, cited)))) continue;
        found.push(`${relative(ROOT, file)}:${i + 1}: ${cited}`);
      }
    });
  return found;
}

describe('comments cite files that exist', () => {
  it('has sources to check', () => {
    expect(sources(join(ROOT, 'src')).length).toBeGreaterThan(100);
  });

  it('every repository path a comment cites exists', () => {
    const dangling = TOP.filter((t) => existsSync(join(ROOT, t)))
      .flatMap((t) => sources(join(ROOT, t)))
      .flatMap(danglingIn);
    expect(dangling).toEqual([]);
  });
});
