import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { imageFormatOf, vmKindSchema, type VmKind } from '../src/protocol';
import { CliError } from './errors';

/** Guest image files whose VM kind the extension tells (DESIGN.md, Guest apps: payload by VM kind). */
const VM_BY_EXTENSION: Record<string, VmKind> = {
  '.m1': 'mips1',
  '.rbf': 'ebpf',
  '.wasm': 'wasm',
  '.lua': 'lua',
  '.py': 'micropython',
  '.js': 'js',
};

/** The extension a payload of this VM kind is saved with: the one `vmForImage` reads back. */
export function extensionForVm(vm: string): string {
  const parsed = vmKindSchema.safeParse(vm);
  const format = parsed.success ? imageFormatOf(parsed.data) : vm;
  const found = Object.entries(VM_BY_EXTENSION).find(([, kind]) => kind === format);
  return found ? found[0] : '.bin';
}

/** `--vm` if given, else the kind the file extension implies. */
export function vmForImage(file: string, vm: string | undefined): VmKind {
  const kind = vm ?? VM_BY_EXTENSION[extname(file)];
  if (!kind) throw new CliError(`cannot tell the VM of ${file} from its extension; pass --vm`);
  const parsed = vmKindSchema.safeParse(kind);
  if (!parsed.success)
    throw new CliError(`--vm ${kind}: not a VM kind (${vmKindSchema.options.join(', ')})`);
  return parsed.data;
}

export function readImageFile(file: string): Uint8Array {
  try {
    return readFileSync(file);
  } catch (err) {
    throw new CliError(`cannot read ${file}: ${(err as Error).message}`);
  }
}
