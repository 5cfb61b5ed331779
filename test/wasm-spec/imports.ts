import { ByteReader } from '../../src/protocol/images/wasm/reader';

export type ImportKind = 'func' | 'table' | 'memory' | 'global';

const KINDS: readonly ImportKind[] = ['func', 'table', 'memory', 'global'];
const IMPORT_SECTION = 2;

/**
 * The imports of a binary module by module name and kind, read straight from its import
 * section (§5.5.5): the engine's decoder refuses table, memory and global imports, but the
 * runner must know which registered module such an out-of-scope module would have
 * changed. Returns [] for bytes it cannot read this far.
 */
export function importsOf(bytes: Uint8Array): Array<{ module: string; kind: ImportKind }> {
  try {
    const r = new ByteReader(bytes, 8);
    while (!r.atEnd) {
      const id = r.u8();
      const size = r.u32();
      const end = r.offset + size;
      if (id === IMPORT_SECTION) return readImports(new ByteReader(bytes, r.offset, end));
      r.offset = end;
    }
  } catch {
    // malformed: nothing to report
  }
  return [];
}

function readImports(r: ByteReader): Array<{ module: string; kind: ImportKind }> {
  const imports: Array<{ module: string; kind: ImportKind }> = [];
  for (let count = r.u32(); count > 0; count--) {
    const module = r.name();
    r.name();
    const kind = KINDS[r.u8()];
    if (kind === undefined) break;
    if (kind === 'func') r.u32();
    if (kind === 'table') r.u8(); // element type, then limits
    if (kind === 'table' || kind === 'memory') {
      const flags = r.u8();
      r.u32();
      if (flags & 1) r.u32();
    }
    if (kind === 'global') r.take(2); // value type, mutability
    imports.push({ module, kind });
  }
  return imports;
}
