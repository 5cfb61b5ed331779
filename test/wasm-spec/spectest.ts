import type { HostFunction } from '../../devices/engines/wasm/embed';
import { ValType } from '../../src/protocol/images/wasm';

const { I32, I64, F32, F64 } = {
  I32: ValType.I32,
  I64: ValType.I64,
  F32: ValType.F32,
  F64: ValType.F64,
};

/** The print functions of the spec interpreter's `spectest` module: they return nothing. */
const PRINTS: Readonly<Record<string, readonly ValType[]>> = {
  print: [],
  print_i32: [I32],
  print_i64: [I64],
  print_f32: [F32],
  print_f64: [F64],
  print_i32_f32: [I32, F32],
  print_f64_f64: [F64, F64],
};

/** spectest's table, memory and globals: imports of them are out of the engine's scope. */
const NOT_FUNCTIONS = new Set([
  'global_i32',
  'global_i64',
  'global_f32',
  'global_f64',
  'table',
  'memory',
]);

/** The `spectest` export `name` as the runner links it (see ImportResolver). */
export function spectestImport(name: string): HostFunction | 'not_a_function' | undefined {
  if (NOT_FUNCTIONS.has(name)) return 'not_a_function';
  if (!Object.prototype.hasOwnProperty.call(PRINTS, name)) return undefined;
  return { type: { params: PRINTS[name], results: [] }, call: () => [] };
}
