/**
 * Copies the data tables of the tarfind and xgboost benchmarks from their C headers
 * (bench/embench/*.h, themselves generated) into the Lua, JavaScript and Python ports,
 * between the `BEGIN DATA` and `END DATA` comment lines of each script. The headers stay
 * the one source of the data; a script is one file, so its data is inside it.
 *
 *   ts-node -T firmware/tools/gen-script-data.ts
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const FIRMWARE = join(__dirname, '..');

interface Header {
  defines: Map<string, number>;
  arrays: Map<string, string>;
}

function parseHeader(file: string): Header {
  const text = readFileSync(join(FIRMWARE, 'bench/embench', file), 'utf8');
  const defines = new Map<string, number>();
  for (const [, name, value] of text.matchAll(/#define (\w+) (0x[0-9a-f]+|\d+)u?\b/g)) {
    defines.set(name, Number(value));
  }
  const arrays = new Map<string, string>();
  for (const [, name, body] of text.matchAll(
    /static const [\w ]+?\*?\s*(?:const )?(\w+)\[[^\]]*\](?:\[[^\]]*\])? = \{([\s\S]*?)\};/g,
  )) {
    arrays.set(name, body);
  }
  return { defines, arrays };
}

const numbers = (body: string) => [...body.matchAll(/-?\d+/g)].map((m) => Number(m[0]));
const strings = (body: string) => [...body.matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((m) => m[1]);

type Value = number | number[] | string[] | Uint8Array[];
type Language = 'lua' | 'js' | 'python';

const PRINTABLE = (b: number) => b >= 0x20 && b <= 0x7e && b !== 0x22 && b !== 0x5c && b !== 0x27;

/** A byte string literal: printable ASCII as it is, anything else escaped. */
function byteLiteral(bytes: Uint8Array, language: Language): string {
  let text = '';
  for (const b of bytes) {
    if (PRINTABLE(b)) text += String.fromCharCode(b);
    else if (language === 'lua') text += '\\' + String(b).padStart(3, '0');
    else text += '\\x' + b.toString(16).padStart(2, '0');
  }
  return language === 'python' ? `b"${text}"` : language === 'js' ? `'${text}'` : `"${text}"`;
}

/** Byte strings, one per line. */
function byteListLiteral(values: Uint8Array[], language: Language): string {
  const body = values.map((v) => byteLiteral(v, language)).join(',\n  ');
  return language === 'lua' ? `{ [0] =\n  ${body},\n}` : `[\n  ${body},\n]`;
}

function listLiteral(values: number[] | string[], language: Language): string {
  const items = values.map((v) => (typeof v === 'number' ? String(v) : JSON.stringify(v)));
  const lines: string[] = [];
  for (let i = 0; i < items.length; i += 16) lines.push(items.slice(i, i + 16).join(', '));
  const body = lines.join(',\n  ');
  return language === 'lua' ? `{ [0] = ${body} }` : `[\n  ${body},\n]`;
}

function literal(value: Value, language: Language): string {
  if (Array.isArray(value) && value[0] instanceof Uint8Array) {
    return byteListLiteral(value as Uint8Array[], language);
  }
  if (Array.isArray(value)) return listLiteral(value as number[] | string[], language);
  return value > 0xffff ? '0x' + value.toString(16) : String(value);
}

function assignments(data: Record<string, Value>, language: Language): string {
  const keyword = language === 'lua' ? 'local ' : language === 'js' ? 'const ' : '';
  const end = language === 'js' ? ';' : '';
  return Object.entries(data)
    .map(([name, value]) => `${keyword}${name} = ${literal(value, language)}${end}`)
    .join('\n');
}

const COMMENT: Record<Language, string> = { lua: '--', js: '//', python: '#' };
const EXTENSION: Record<Language, string> = { lua: 'lua', js: 'js', python: 'py' };

function fill(language: Language, name: string, data: Record<string, Value>): void {
  const file = join(FIRMWARE, language, 'bench', `${name}.${EXTENSION[language]}`);
  const c = COMMENT[language];
  const begin = `${c} BEGIN DATA (firmware/tools/gen-script-data.ts, from bench/embench/${name}*.h)`;
  const text = readFileSync(file, 'utf8');
  const from = text.indexOf(`${c} BEGIN DATA`);
  const to = text.indexOf(`${c} END DATA`);
  if (from < 0 || to < from) throw new Error(`${file}: no BEGIN DATA / END DATA lines`);
  const block = `${begin}\n${assignments(data, language)}\n`;
  writeFileSync(file, text.slice(0, from) + block + text.slice(to));
}

function tarfindData(): Record<string, Value> {
  const { defines, arrays } = parseHeader('tarfind_archive.h');
  const archive = Uint8Array.from(numbers(arrays.get('tar_archive')!));
  if (archive.length !== defines.get('TAR_ARCHIVE_BYTES')) throw new Error('tar_archive size');
  const data: Record<string, Value> = {};
  for (const name of [
    'TAR_ENTRY_COUNT',
    'TAR_FILE_COUNT',
    'TAR_CONTENT_BYTES',
    'TAR_CONTENT_FNV1A',
    'TAR_QUERIES_PRESENT',
  ]) {
    data[name] = defines.get(name)!;
  }
  data.TAR_QUERIES = strings(arrays.get('tar_queries')!);
  // The archive is mostly zero padding: only its runs of data are written out.
  data.TAR_ARCHIVE_BYTES = archive.length;
  const runs = dataRuns(archive);
  data.TAR_RUN_OFFSETS = runs.map(([start]) => start);
  data.TAR_RUN_BYTES = runs.map(([start, end]) => archive.subarray(start, end));
  return data;
}

/** [start, end) of the stretches of `bytes` between runs of 16 or more zeros. */
function dataRuns(bytes: Uint8Array): [number, number][] {
  const runs: [number, number][] = [];
  let i = 0;
  while (i < bytes.length) {
    while (i < bytes.length && bytes[i] === 0) i++;
    if (i === bytes.length) break;
    let end = i;
    for (let zeros = 0, j = i; j < bytes.length && zeros < 16; j++) {
      zeros = bytes[j] === 0 ? zeros + 1 : 0;
      if (bytes[j] !== 0) end = j + 1;
    }
    runs.push([i, end]);
    i = end;
  }
  return runs;
}

function xgboostData(): Record<string, Value> {
  const { defines, arrays } = parseHeader('xgboost_model.h');
  const data: Record<string, Value> = {};
  for (const name of [
    'XGB_CLASSES',
    'XGB_FEATURES',
    'XGB_SAMPLES',
    'XGB_TREES',
    'XGB_EXPECTED_TRAIN_CORRECT',
    'XGB_EXPECTED_TEST_CORRECT',
    'XGB_EXPECTED_PREDICTIONS_FNV1A',
  ]) {
    data[name] = defines.get(name)!;
  }
  // Flat: node i is feature, value, left, right at 4 i; sample i's features at XGB_FEATURES i.
  data.XGB_NODES = numbers(arrays.get('xgb_nodes')!);
  data.XGB_ROOTS = numbers(arrays.get('xgb_roots')!);
  data.XGB_SAMPLE_FEATURES = numbers(arrays.get('xgb_features')!);
  data.XGB_LABELS = numbers(arrays.get('xgb_labels')!);
  return data;
}

for (const language of ['lua', 'js', 'python'] as const) {
  fill(language, 'tarfind', tarfindData());
  fill(language, 'xgboost', xgboostData());
}
