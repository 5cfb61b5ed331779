import type { Engine, Inspection, MemoryReport } from '../../engine';
import { GUEST_BYTES } from '../../script/testing/script-harness';

/** Shape checks of the Engine contract: what inspect() and memory() may answer. */

/** memory(): whole non-negative byte counts, peak ≤ guest ≤ what the board grants. */
export function checkMemoryReport(engine: Engine): MemoryReport {
  const report = engine.memory();
  for (const value of Object.values(report)) {
    expect(Number.isSafeInteger(value) && value >= 0).toBe(true);
  }
  expect(report.peakGuestBytes).toBeLessThanOrEqual(report.guestBytes);
  expect(report.guestBytes).toBeLessThanOrEqual(GUEST_BYTES);
  return report;
}

export function checkInspection(engine: Engine): void {
  const inspection: Inspection = engine.inspect();
  expect(inspection.state).toBe(engine.state);
  expect(Number.isInteger(inspection.pc)).toBe(true);
  expect(Number.isSafeInteger(inspection.instructions) && inspection.instructions >= 0).toBe(true);
  expect(typeof inspection.registers).toBe('object');
  for (const value of Object.values(inspection.registers))
    expect(Number.isFinite(value)).toBe(true);
  const numberLists = [inspection.locals, inspection.valueStack, inspection.callStack];
  for (const list of numberLists) {
    if (list !== undefined) expect(list.every((n) => Number.isFinite(n))).toBe(true);
  }
  if (inspection.line !== undefined) expect(Number.isInteger(inspection.line)).toBe(true);
  if (inspection.functionIndex !== undefined) {
    expect(Number.isInteger(inspection.functionIndex)).toBe(true);
  }
}
