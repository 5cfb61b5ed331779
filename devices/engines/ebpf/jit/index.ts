import type { EbpfTier } from '../engine';
import { compileProgram } from './compile';

/** The eBPF JIT (`ebpf-jit`): the verified program translated to JavaScript at load (compile.ts). */
export const EBPF_JIT: EbpfTier | null = { kind: 'ebpf-jit', compile: compileProgram };
