import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { abiFiles, docsSyscallRows } from '../firmware/tools/abi-headers';
import {
  ABI_HELPER_BASE,
  ACTUATOR_TYPES,
  cName,
  FEMTO_HELPERS,
  SENSOR_TYPES,
  SYSCALL_LIST,
} from '../src/protocol/guest-abi';

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

  // The RIOT firmware is C built by RIOT's make, so it keeps its own names for the numbers;
  // they are checked here against the table instead of generated.
  const riot = (file: string) => readFileSync(join(FIRMWARE, 'riot', file), 'utf8');
  const sysName = (c: string) => `SYS_${c.replace(/^vm_/, '').toUpperCase()}`;

  it.each(['agent/hal.c', 'vm/ebpf/helpers.c'])(
    "RIOT's %s numbers the syscalls as the table",
    (file) => {
      const declared = [...riot(file).matchAll(/\b(SYS_[A-Z_]+) = (\d+)/g)];
      expect(declared.length).toBeGreaterThan(0);
      const numbers = new Map(SYSCALL_LIST.map((call) => [sysName(call.c), call.number]));
      for (const [, name, value] of declared)
        expect([name, Number(value)]).toEqual([name, numbers.get(name)]);
    },
  );

  it("RIOT's agent/hal.c declares every syscall", () => {
    const source = riot('agent/hal.c');
    for (const call of SYSCALL_LIST)
      expect(source).toContain(`${sysName(call.c)} = ${call.number}`);
  });

  it("RIOT's hal.h has the table's sensor and actuator types", () => {
    const header = riot('agent/hal.h');
    for (const [name, { id }] of Object.entries(SENSOR_TYPES))
      expect(header).toContain(`#define HAL_SENSOR_${cName(name)} ${id}`);
    for (const [name, { id }] of Object.entries(ACTUATOR_TYPES))
      expect(header).toContain(`#define HAL_ACTUATOR_${cName(name)} ${id}`);
  });

  it("RIOT's ebpf helpers serve exactly the table's Femto-Container ids", () => {
    const source = riot('vm/ebpf/helpers.c');
    const cases = [...source.matchAll(/case (0x[0-9a-f]+):/g)].map((m) => Number(m[1]));
    const ids = Object.values(FEMTO_HELPERS).map((h) => h.id);
    expect([...new Set(cases)].sort((a, b) => a - b)).toEqual([...ids].sort((a, b) => a - b));
    expect(riot('vm/ebpf/ebpf_internal.h')).toMatch(
      new RegExp(`EB_ABI_HELPER_BASE\\s+0x${ABI_HELPER_BASE.toString(16)}u?\\b`),
    );
  });
});
