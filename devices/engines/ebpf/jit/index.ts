import type { EbpfTier } from '../engine';
import { compileProgram } from './compile';

/** The eBPF JIT (`ebpf-jit`): the verified program translated to JavaScript at load (compile.ts). */
export const EBPF_JIT: EbpfTier | null = { kind: 'ebpf-jit', compile: compileProgram };

/** The same JIT with structured control flow and JS calls (compile.ts JitOptions): opt-in. */
export const EBPF_JIT_STRUCTURED: EbpfTier = {
  kind: 'ebpf-jit',
  compile: (program, memory) => compileProgram(program, memory, { structured: true }),
};
