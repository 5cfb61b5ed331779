/**
 * Limits of this implementation (WebAssembly Core Spec Appendix A.1 allows them): beyond
 * these a module is refused `too_large` rather than exhausting a small device.
 */
export const WASM_LIMITS = {
  moduleBytes: 1024 * 1024,
  types: 1024,
  functions: 10_000,
  /** Parameters plus declared locals of one function. */
  locals: 4096,
  /** Operand stack slots one function may need (its deepest point). */
  operandStack: 4096,
  /** Nesting of blocks, loops and ifs in one function. */
  blockDepth: 1024,
  /** Labels of one br_table: the spec testsuite's br_table.wast has one of 24,615. */
  brTableTargets: 32_768,
  globals: 1024,
  exports: 1024,
  tableEntries: 65_536,
  segments: 1024,
} as const;
