import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { abiFiles, docsSyscallRows } from '../firmware/tools/abi-headers';
import { SYSCALL_LIST, SYSCALL_NUMBERS } from '../src/protocol/guest-abi';
import { WASM_ABI_IMPORTS } from '../src/protocol/images/wasm/abi';
import { ABI_SYSCALLS as RBF_SYSCALLS } from '../src/protocol/images/rbf/helpers';
import { SYSCALLS } from '../devices/runtime/guest-host';

const FIRMWARE = join(__dirname, '..', 'firmware');

describe('the guest ABI has one source (src/protocol/guest-abi.ts)', () => {
  it.each([...abiFiles()])('firmware/%s is what npm run gen:abi writes', (file, text) => {
    expect(readFileSync(join(FIRMWARE, file), 'utf8')).toBe(text);
  });

  it("docs/guest-abi.md's syscall table has one row per syscall, as the table says", () => {
    const doc = readFileSync(join(__dirname, '..', 'docs', 'guest-abi.md'), 'utf8');
    const rows = doc.split('\n').filter((l) => /^\| \d+ \| `/.test(l));
    expect(rows).toEqual(docsSyscallRows());
  });

  it('the engines and validators use the same numbers', () => {
    // The copies the next step folds into imports of the table (issue 16).
    expect(SYSCALLS).toEqual(SYSCALL_NUMBERS);
    expect(RBF_SYSCALLS).toEqual(SYSCALL_NUMBERS);
    for (const call of SYSCALL_LIST) {
      expect({ c: call.c, import: WASM_ABI_IMPORTS[call.c] }).toMatchObject({
        c: call.c,
        import: { syscall: call.number, params: call.params.length, result: call.returns },
      });
    }
  });
});
