import { readFileSync } from 'node:fs';
import { join } from 'node:path';
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

    it('prints every ISA v4 result (sdiv, smod, movsx, bswap, memsx, gotol)', () => {
      const v4 = caseOf(output(), 'isa-v4');
      expect(v4.end).toBe('exit=0');
      // 14 pairs: 8 signed ops (less 4 by an immediate 0 for each pair with b's low
      // word 0), 5 movsx, 3 bswap; then 12 loads and the gotol result.
      expect(v4.output.split('\n').length - 1).toBeGreaterThan(14 * 14 + 12);
      expect(v4.output.endsWith('7 0\n')).toBe(true); // gotol skipped both r1 = 99
      const lines = v4.output.split('\n');
      // LLONG_MIN s/ -1 (ALU64, X): LLONG_MIN; INT_MIN s/ -1 (ALU, X): INT_MIN, zero-extended
      expect(lines).toContain('0 -2147483648');
      expect(lines).toContain('-2147483648 0');
    });

    it.each(['calc', 'crc64', 'format', 'sieve', 'sort', 'xorshift'])(
      'runs bench/libc %s (build/ebpf/libc) with its native output',
      (name) => {
        const expected = join(__dirname, '..', 'firmware', 'expected', 'libc', `${name}.txt`);
        expect(caseOf(output(), `libc-${name}`)).toEqual({
          output: readFileSync(expected, 'utf8'),
          end: 'exit=0',
        });
      },
    );

    it('runs button-counter (signed %) and serves a press through its handler', () => {
      const out = output();
      expect(caseOf(out, 'button-counter')).toEqual({
        output: 'button-counter: counting presses\n',
        end: 'exit=0',
      });
      expect(caseOf(out, 'button-press')).toEqual({
        output: '[publish presses=1]\n',
        end: 'returned=0',
      });
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
      ['div-by-zero-imm', 'division_by_zero: instruction 1 (byte 8, opcode 0x94) divides by'],
      ['movsx-imm', 'unknown_opcode: instruction 0 (byte 0, opcode 0xb7) (src 0, offset 8'],
      ['sdiv-offset-2', 'unknown_opcode: instruction 0 (byte 0, opcode 0x3f) (src 2, offset 2'],
      ['movsx32-32', 'unknown_opcode: instruction 0 (byte 0, opcode 0xbc)'],
      ['memsx-dw', 'unknown_opcode: instruction 0 (byte 0, opcode 0x99)'],
      ['bswap-x', 'unknown_opcode: instruction 0 (byte 0, opcode 0xdf)'],
      ['gotol-past-end', 'bad_jump: instruction 0 (byte 0, opcode 0x06) jumps to instruction 10'],
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
      const heapsort = readFileSync(
        join(__dirname, '..', 'firmware', 'build', 'ebpf', 'heapsort.rbf'),
      );
      const data = heapsort.readUInt32LE(12); // the .rbf header's data_len
      const line = /@@MEMORY heapsort guest=(\d+) peak=(\d+) engine=(\d+)/.exec(output());
      expect(line).not.toBeNull();
      const [guest, peak, engine] = line!.slice(1).map(Number);
      expect(data).toBeGreaterThan(20_000); // its arrays
      expect(guest).toBe(data + 8192 + 1024);
      expect(peak).toBeGreaterThan(data);
      expect(peak).toBeLessThanOrEqual(guest);
      expect(engine).toBeGreaterThan(0);
      expect(output()).toContain(`bytes=${heapsort.length} guest=${guest}@@`);
      expect(output()).toMatch(/@@LOADED heapsort us=\d+ bytes=\d+ guest=\d+@@/);
    });
  },
});
