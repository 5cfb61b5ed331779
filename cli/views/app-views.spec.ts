import { defaultFileName } from '../commands/apps-download';
import { extensionForVm, vmForImage } from '../image-file';
import { captureIo } from '../testing/capture-io';
import { makeApp, TEST_SIGNING_KEY } from '../testing/fake-app-repository';
import {
  appRef,
  describeNeeds,
  describePush,
  printAppTable,
  printSigningKey,
  shortSha,
} from './app-views';

const SHA = 'ABCDEF0123456789'.repeat(4);

describe('app views', () => {
  it('names an app as name@version and shortens its SHA-256 to 12 lower-case digits', () => {
    expect(appRef({ name: 'blinky', version: '1.2.0-rc.1' })).toBe('blinky@1.2.0-rc.1');
    expect(shortSha(SHA)).toBe('abcdef012345');
  });

  it('describes a push: name@version, VM, size, short SHA-256, sequence, then the needs', () => {
    const app = makeApp({
      size: 1536,
      sha256: SHA,
      sequence: 42,
      needs: { ramBytes: 65_536, flashBytes: 2048, stackBytes: 512 },
    });
    expect(describePush(app)).toEqual([
      'Pushed blinky@1.2.0 (mips1, 1.5 KiB, sha256 abcdef012345), sequence 42.',
      'Needs RAM 64.0 KiB, flash 2.0 KiB, stack 512 B.',
    ]);
    expect(describeNeeds(app.needs)).toBe('RAM 64.0 KiB, flash 2.0 KiB, stack 512 B');
  });

  it('right-aligns the numeric columns of the list and keeps the gateway order', () => {
    const { io, stdout } = captureIo();
    printAppTable(io, [
      makeApp({ name: 'zeta', sequence: 1234, size: 10 }),
      makeApp({ name: 'alpha', sequence: 7, size: 100_000 }),
    ]);
    const rows = stdout().split('\n');
    expect(rows[3]).toMatch(/^│ zeta@1.2.0\s+│ mips1 │\s+10 B │ 1,234 │/);
    expect(rows[4]).toMatch(/^│ alpha@1.2.0\s+│ mips1 │ 97.7 KiB │\s+7 │/);
  });

  it('labels the key with its curve only when that adds something', () => {
    const { io, stdout } = captureIo();
    printSigningKey(io, { ...TEST_SIGNING_KEY, alg: 'ES256', crv: 'ES256' });
    expect(stdout()).toMatch(/Algorithm\s+│ ES256\s+│/);
  });
});

describe('payload file names', () => {
  it.each([
    ['mips1', '.m1'],
    ['ebpf', '.rbf'],
    ['wasm', '.wasm'],
    ['wasm-fast', '.wasm'],
    ['lua', '.lua'],
    ['micropython', '.py'],
    ['js', '.js'],
    ['riscv', '.bin'],
  ])('a %s payload is saved as *%s', (vm, extension) => {
    expect(extensionForVm(vm)).toBe(extension);
  });

  it.each([['mips1'], ['ebpf'], ['wasm'], ['lua'], ['micropython'], ['js']])(
    'reads the VM of a saved %s payload back from its name',
    (vm) => {
      const file = defaultFileName(makeApp({ vm, name: 'app', version: '1.0.0' }), 'payload');
      expect(vmForImage(file, undefined)).toBe(vm);
    },
  );

  it('saves a manifest as <name>-<version>.cose', () => {
    expect(defaultFileName(makeApp(), 'manifest')).toBe('blinky-1.2.0.cose');
  });
});
