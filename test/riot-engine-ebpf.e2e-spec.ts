import { EbpfEngine } from '../devices/engines/ebpf/engine';
import { FakeHost } from '../devices/engines/ebpf/testing/harness';
import type { RunOutcome } from '../devices/engines/engine';
import { RbfError } from '../src/protocol/images/rbf';
import { caseOf, describeRiotEngine } from './support/riot-engine';

/**
 * The RIOT firmware's eBPF engine (firmware/riot/vm/ebpf, VM=ebpf) in
 * firmware/riot/tests/engine (test/support/riot-engine.ts). Besides what every engine
 * does, the cases of cases/ebpf.h print each hand-assembled image they run (@@IMAGE);
 * every one of them runs here on the TypeScript engine (devices/engines/ebpf, the
 * reference), which must give the same output, the same exit code or fault (code and
 * message) and the same refusal.
 */
const NOT_BUILT = 'clang cannot compile its signed int32 division for eBPF before ISA v4';
/** cases.c: vm_fault_t.message and the load error buffer, NUL included. */
const FAULT_MESSAGE_BYTES = 95;
const ERROR_BYTES = 127;
const MEMORY_BYTES = 64 * 1024;

/** The images the cases printed, in order. */
function images(out: string): Array<[string, Uint8Array]> {
  return [...out.matchAll(/^@@IMAGE (\S+) ([0-9a-f]+)@@$/gm)].map((m) => [
    m[1],
    new Uint8Array(Buffer.from(m[2], 'hex')),
  ]);
}

const cut = (text: string, bytes: number) => Buffer.from(text).subarray(0, bytes).toString('utf8');

function endOf(outcome: RunOutcome): string {
  switch (outcome.kind) {
    case 'exited':
      return `exit=${outcome.code}`;
    case 'fault':
      return `fault=${outcome.fault.code} ${cut(outcome.fault.message, FAULT_MESSAGE_BYTES)}`;
    case 'budget':
    case 'returned':
    case 'yielded':
      return `kind=${outcome.kind}`;
  }
}

/** What the TypeScript engine makes of an image, in the markers' terms. */
function reference(
  image: Uint8Array,
  globalStore: Map<number, number>,
): { refused: string } | { output: string; end: string } {
  const host = new FakeHost();
  const engine = new EbpfEngine({ memoryBytes: MEMORY_BYTES }, host, { globalStore });
  try {
    engine.load(image);
  } catch (error) {
    if (!(error instanceof RbfError)) throw error;
    return { refused: cut(`${error.code}: ${error.message}`, ERROR_BYTES) };
  }
  let outcome: RunOutcome;
  do outcome = engine.run(1_000_000);
  while (outcome.kind === 'budget' || outcome.kind === 'yielded');
  return { output: host.output, end: endOf(outcome) };
}

describeRiotEngine('ebpf', {
  version: 'c-1.0.0',
  preemptible: true,
  missing: { ud: NOT_BUILT, xgboost: NOT_BUILT },
  wildStoreOutput: 'wild-store: writing to 0x7ffffff0\n',
  more: (output) => {
    it('runs every hand-assembled image as the TypeScript engine does', () => {
      const out = output();
      const shown = images(out).filter(([name]) => name !== 'eh-counter');
      expect(shown.length).toBeGreaterThanOrEqual(20);
      const globalStore = new Map<number, number>(); // per device: kv-global-* share it
      for (const [name, image] of shown) {
        const expected = reference(image, globalStore);
        if ('refused' in expected) {
          expect(out).toContain(`@@REFUSED ${name} ${expected.refused}@@`);
        } else {
          expect({ name, ...caseOf(out, name) }).toEqual({ name, ...expected });
        }
      }
    });

    it('prints every ALU, jump and memory result of the ISA images', () => {
      const lines = (name: string) => caseOf(output(), name).output.split('\n').length;
      expect(lines('isa-alu64')).toBeGreaterThan(200);
      expect(lines('isa-alu32')).toBeGreaterThan(250);
      expect(caseOf(output(), 'isa-jumps').output).toMatch(/^([01]{44}\n){10}$/);
      expect(caseOf(output(), 'isa-memory').end).toBe('exit=0');
    });

    it.each([
      ['deep-recursion', /^fault=stack_exhausted .*below the stack region's base/],
      ['call-depth', /^fault=stack_exhausted .*nest 1025 calls deep; the limit is 1024/],
      ['rodata-store', /^fault=bad_address .* to 0x10000000: into read-only rodata/],
      ['div-zero', /^exit=12$/],
      ['printf', /^exit=11$/],
      ['kv-local', /^exit=1234$/],
      ['kv-global-fetch', /^exit=4321$/],
      ['yield', /^exit=1$/],
    ])('%s ends with %s', (name, end) => {
      expect(caseOf(output(), name).end).toMatch(end);
    });

    it('formats bpf_printf into the helper buffer', () => {
      expect(caseOf(output(), 'printf').output).toBe('-5 00ff ok!');
    });

    it('serves an eh_on_raw handler through invoke() after main exits', () => {
      const out = output();
      expect(caseOf(out, 'eh-counter').end).toBe('exit=0');
      expect(out).toContain('@@HANDLER 40@@'); // the handler's byte offset in text
      for (let press = 1; press <= 5; press++) {
        const served = caseOf(out, `press${press}`);
        expect(served.output).toBe(`[publish presses=${press}]\n`);
        expect(served.end).toBe('returned=0');
      }
      expect(out).toMatch(/@@INVOKE bad=-\d+@@/);
      expect(out).toContain('@@READ inside=0 outside=0@@'); // address 0 is in no region
    });

    it('gives the same result one instruction at a time', () => {
      expect(caseOf(output(), 'sliced').end).toBe('exit=5050');
      expect(output()).toContain('@@SLICED steps=303 instructions=303 pc=5@@');
    });

    it('inspects r0..r10, their high words and the call depth mid-call', () => {
      const line = /@@INSPECT count=(\d+) pc=(\d+) ([^@]*)@@/.exec(output());
      expect(line).not.toBeNull();
      const regs = Object.fromEntries(
        line![3].split(' ').map((kv) => [kv.split('=')[0], Number(kv.split('=')[1])]),
      );
      const image = images(output()).find(([name]) => name === 'calls')![1];
      const engine = new EbpfEngine({ memoryBytes: MEMORY_BYTES }, new FakeHost());
      engine.load(image);
      engine.step(4);
      const ts = engine.inspect();
      expect(Number(line![2])).toBe(ts.pc);
      for (let n = 0; n <= 10; n++) {
        const value = BigInt.asUintN(64, BigInt(ts.registers[`r${n}`]));
        expect([n, regs[`r${n}`], regs[`r${n}.hi`]]).toEqual([
          n,
          Number(value & 0xffff_ffffn),
          Number(value >> 32n),
        ]);
      }
      expect(regs.depth).toBe(ts.registers.depth);
      expect(regs).toMatchObject({ r1: 20, r6: 5, depth: 1 });
      expect(caseOf(output(), 'calls').end).toBe('exit=46');
    });

    it.each([
      ['unknown-opcode', 'unknown_opcode: instruction 0 (byte 0, opcode 0xe7)'],
      ['bad-jump', 'bad_jump: instruction 0 (byte 0, opcode 0x05) jumps to instruction 6'],
      ['unknown-helper', 'unknown_helper: '],
      ['write-r10', 'write_to_r10: '],
      ['no-exit', 'no_exit: '],
      ['bad-magic', 'bad_magic: magic "rBPX"'],
      ['size-mismatch', 'size_mismatch: '],
      ['small-ram', 'does_not_fit: the program needs 9232 bytes'],
    ])('refuses %s with %s', (name, reason) => {
      expect(output()).toContain(`@@REFUSED ${name} ${reason}`);
      expect(output()).not.toContain(`@@LOADED ${name} `);
    });

    it('still runs a program after every hostile and refused image', () => {
      const again = caseOf(output(), 'fibonacci-again');
      expect(again.output).toBe(caseOf(output(), 'fibonacci').output);
      expect(again.end).toBe('exit=0');
    });

    it('reports guest memory as data + stack + helper buffer, within the guest RAM', () => {
      const line = /@@MEMORY heapsort guest=(\d+) peak=(\d+) engine=(\d+)/.exec(output());
      expect(line).not.toBeNull();
      const [guest, peak, engine] = line!.slice(1).map(Number);
      expect(guest).toBe(20024 + 8192 + 1024); // heapsort.rbf's data
      expect(peak).toBeGreaterThan(20024);
      expect(peak).toBeLessThanOrEqual(guest);
      expect(engine).toBeGreaterThan(0);
      expect(output()).toMatch(/@@LOADED heapsort us=\d+ bytes=23992 guest=29240@@/);
    });
  },
});
