/** Telemetry points as the columns uPlot draws, with a cap so a long-open page stays light. */
import type { TelemetryPoint } from '../../src/protocol/api';

export const MAX_POINTS = 720;

export interface Columns {
  t: number[];
  ram: number[];
  flash: number[];
  cpu: number[];
  instructions: number[];
}

export const emptyColumns = (): Columns => ({
  t: [],
  ram: [],
  flash: [],
  cpu: [],
  instructions: [],
});

/** New columns with `points` appended (in time order; a point not newer than the last is dropped). */
export function appendPoints(c: Columns, points: readonly TelemetryPoint[]): Columns {
  const next: Columns = {
    t: [...c.t],
    ram: [...c.ram],
    flash: [...c.flash],
    cpu: [...c.cpu],
    instructions: [...c.instructions],
  };
  for (const p of points) {
    const t = Date.parse(p.ts) / 1000;
    if (next.t.length && t <= next.t[next.t.length - 1]) continue;
    next.t.push(t);
    next.ram.push(p.ramUsed);
    next.flash.push(p.flashUsed);
    next.cpu.push(p.cpuLoad * 100);
    next.instructions.push(p.instructions);
  }
  const drop = Math.max(0, next.t.length - MAX_POINTS);
  if (drop) for (const k of Object.keys(next) as (keyof Columns)[]) next[k] = next[k].slice(drop);
  return next;
}
