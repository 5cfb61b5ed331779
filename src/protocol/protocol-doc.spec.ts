import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z, ZodType } from 'zod';

/**
 * docs/protocol.md is the normative text of this code: every zod schema src/protocol
 * exports must be named in it (in backticks), and its own section references must point
 * at headings that exist. Run alone with `npm run test:protocol-doc`.
 */

const DOC_PATH = join(__dirname, '../../docs/protocol.md');
const INDEX_PATH = join(__dirname, 'index.ts');

/** The modules index.ts re-exports (`export * from './x'`, `export { … } from './x'`). */
function reexportedModules(indexSource: string): string[] {
  const from = /^export\s+(?:\*(?:\s+as\s+\w+)?|type\s+\{[^}]*\}|\{[^}]*\})\s+from\s+'([^']+)'/gm;
  return [...indexSource.matchAll(from)].map((m) => m[1]);
}

/** Exported names that are schemas: named `…Schema`, or a zod schema whatever the name. */
function schemaExports(module: Record<string, unknown>): string[] {
  return Object.entries(module)
    .filter(([name, value]) => name.endsWith('Schema') || value instanceof ZodType)
    .map(([name]) => name);
}

/** Every identifier that appears inside an inline code span, fenced blocks left out. */
function backtickedNames(markdown: string): Set<string> {
  const prose = markdown.replace(/^```[^\n]*\n[\s\S]*?^```[^\n]*$/gm, '');
  const names = new Set<string>();
  for (const span of prose.matchAll(/`([^`\n]+)`/g)) {
    for (const name of span[1].match(/[A-Za-z_$][\w$]*/g) ?? []) names.add(name);
  }
  return names;
}

/** Section numbers of the document's headings: `## 9. Thing…` → 9, `### 9.3 …` → 9.3. */
function headingNumbers(markdown: string): Set<string> {
  const headings = markdown.matchAll(/^#{1,6}[ \t]+(\d+(?:\.\d+)*)\.?[ \t]/gm);
  return new Set([...headings].map((m) => m[1]));
}

/** What precedes a `§` that cites another document: RFC 8949 §3.1, MQTT 5.0 §3.14.2.1. */
const EXTERNAL_CITATION = /(?:\b(?:RFC|BCP|STD)\s+\d+|\bMQTT(?:\s+v?\d+(?:\.\d+)*)?)\s*$/;

/** `§N` / `§N.M` references of the document's own that name no heading, in order. */
function danglingReferences(markdown: string, headings: Set<string>): string[] {
  const dangling: string[] = [];
  for (const ref of markdown.matchAll(/§(\d+(?:\.\d+)*)/g)) {
    const before = markdown.slice(Math.max(0, ref.index - 40), ref.index);
    if (EXTERNAL_CITATION.test(before)) continue;
    if (!headings.has(ref[1])) dangling.push(`§${ref[1]}`);
  }
  return dangling;
}

/** The top-level headings, `## 9. Thing Monitor and events` → ['9', 'Thing Monitor and events']. */
function chapters(markdown: string): [string, string][] {
  return [...markdown.matchAll(/^##[ \t]+(\d+)\.[ \t]+(.+)$/gm)].map((m) => [m[1], m[2].trim()]);
}

/** The entries of the `Contents:` paragraph, `9 Thing Monitor and events (…)` → ['9', '…']. */
function contents(markdown: string): [string, string][] {
  const paragraph = /^Contents:([\s\S]*?)\n\n/m.exec(markdown)?.[1] ?? '';
  return paragraph
    .split('·')
    .map((entry) => /^\s*(\d+)\s+([\s\S]+?)\s*$/.exec(entry))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => [m[1], m[2].replace(/\s+/g, ' ')]);
}

const doc = readFileSync(DOC_PATH, 'utf8');
// The defining module first, so a missing schema is reported where it lives.
const modulePaths = [...reexportedModules(readFileSync(INDEX_PATH, 'utf8')), '.'];

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

async function exportedSchemas(): Promise<Map<string, string>> {
  const where = new Map<string, string>();
  for (const path of modulePaths) {
    const module = (await import(join(__dirname, path))) as Record<string, unknown>;
    for (const name of schemaExports(module)) if (!where.has(name)) where.set(name, path);
  }
  return where;
}

describe('docs/protocol.md against src/protocol', () => {
  it('finds the modules index.ts re-exports', () => {
    expect(modulePaths).toEqual(expect.arrayContaining(['./messages', './monitor', './ota']));
  });

  it('names every exported schema in backticks', async () => {
    const schemas = await exportedSchemas();
    expect(schemas.size).toBeGreaterThanOrEqual(20);
    const named = backtickedNames(doc);
    const missing = [...schemas].filter(([name]) => !named.has(name));
    expect(missing.map(([name, path]) => `${name} (${path})`)).toEqual([]);
  });

  it('exports only zod schemas under a …Schema name', async () => {
    for (const path of modulePaths) {
      const module = (await import(join(__dirname, path))) as Record<string, unknown>;
      const notZod = Object.entries(module)
        .filter(([name, value]) => name.endsWith('Schema') && !(value instanceof ZodType))
        .map(([name]) => `${name} (${path})`);
      expect(notZod).toEqual([]);
    }
  });

  it('lists every chapter in the table of contents, in order, under its title', () => {
    const listed = contents(doc);
    expect(listed.map(([n]) => n)).toEqual(chapters(doc).map(([n]) => n));
    for (const [n, title] of chapters(doc)) {
      const entry = listed.find(([m]) => m === n)?.[1] ?? '';
      expect(`${n} ${entry}`).toMatch(new RegExp(`^${n} ${escapeRegExp(title)}`));
    }
  });

  it('points every § reference at a heading of the document', () => {
    const headings = headingNumbers(doc);
    expect([...headings]).toEqual(expect.arrayContaining(['1.1', '9.3', '10.1', '11.3']));
    expect(danglingReferences(doc, headings)).toEqual([]);
  });
});

describe('the checks themselves', () => {
  it('report a schema the document does not name', () => {
    const named = backtickedNames('Uplink `hello` (`helloSchema`), see ```\nfooSchema\n```');
    expect(named.has('helloSchema')).toBe(true);
    expect(named.has('fooSchema')).toBe(false);
    expect(named.has('Uplink')).toBe(false);
  });

  it('count a zod value as a schema whatever its name', () => {
    const module = { barSchema: 1, helper: () => 0, quietly: z.any() };
    expect(schemaExports(module).sort()).toEqual(['barSchema', 'quietly']);
  });

  it('read every form of re-export from index.ts', () => {
    const index = "export * from './a';\nexport { b } from './b';\nexport type { C } from './c';\n";
    expect(reexportedModules(index)).toEqual(['./a', './b', './c']);
  });

  it('tell the document’s own references from citations of other documents', () => {
    const text = [
      '## 5. Messages',
      '### 5.2 `hello`',
      'See §5.2 and §5, not §5.9 or §13.1; RFC 8949 §3.2.2, RFC 7252',
      '§5.9.2.5, MQTT 5.0 §3.14.2.1, MQTT 3.1.1 §2.2.3 are fine.',
    ].join('\n');
    expect(danglingReferences(text, headingNumbers(text))).toEqual(['§5.9', '§13.1']);
  });
});
