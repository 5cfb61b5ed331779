import type { CDPSession, Page } from 'playwright-core';

/*
 * What a long task of the dashboard's load is made of, from Chromium's own trace
 * (Tracing over CDP, the devtools.timeline category): for every main-thread task over
 * 50 ms, the time in script (by function, from the trace's sampled JS stacks would need
 * the profiler; here by the trace event that ran it), style, layout, paint and GC.
 *   npm run bench:dashboard -- --rounds 1 --trace
 */

interface TraceEvent {
  name: string;
  cat: string;
  ph: string;
  ts: number;
  dur?: number;
  /** Thread (CPU) time: what the task cost, whatever else ran on the machine meanwhile. */
  tdur?: number;
  pid: number;
  tid: number;
  args?: { name?: string; data?: { url?: string; functionName?: string } };
}

const CATEGORIES = ['toplevel', 'devtools.timeline', 'disabled-by-default-devtools.timeline'];
/** The events a task is broken down into (the others nest inside these or are bookkeeping). */
const PARTS = new Set([
  'FunctionCall',
  'EvaluateScript',
  'v8.compile',
  'TimerFire',
  'EventDispatch',
  'FireAnimationFrame',
  'RunMicrotasks',
  'ParseHTML',
  'UpdateLayoutTree',
  'Layout',
  'PrePaint',
  'Paint',
  'Layerize',
  'MinorGC',
  'MajorGC',
  'V8.GC_SCAVENGER',
  'V8.GC_MARK_COMPACTOR',
  'ResourceReceivedData',
]);

export interface TaskBreakdown {
  ms: number;
  /** The main thread's CPU time in the task (wall time less time it was not running). */
  cpuMs: number;
  /** Milliseconds by event name, outermost events only (a Layout inside a FunctionCall counts as both). */
  parts: Record<string, number>;
}

export async function startTrace(page: Page): Promise<CDPSession> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Tracing.start', {
    traceConfig: { includedCategories: CATEGORIES, recordMode: 'recordAsMuchAsPossible' },
    transferMode: 'ReturnAsStream',
  });
  return cdp;
}

/**
 * Stops the trace and breaks down the main thread's tasks over `overMs` of wall time, and
 * gives the longest task's CPU time (on a busy machine wall time is mostly waiting).
 */
export async function longTasksOf(
  cdp: CDPSession,
  overMs = 50,
): Promise<{ tasks: TaskBreakdown[]; longestCpuMs: number }> {
  const stream = await new Promise<string>((resolve) => {
    cdp.once('Tracing.tracingComplete', (e: { stream?: string }) => resolve(e.stream ?? ''));
    void cdp.send('Tracing.end');
  });
  let text = '';
  for (;;) {
    const chunk = await cdp.send('IO.read', { handle: stream });
    text += chunk.data;
    if (chunk.eof) break;
  }
  await cdp.send('IO.close', { handle: stream });
  const parsed = JSON.parse(text) as { traceEvents: TraceEvent[] } | TraceEvent[];
  const events = Array.isArray(parsed) ? parsed : parsed.traceEvents;
  const main = events.find((e) => e.name === 'thread_name' && e.args?.name === 'CrRendererMain');
  if (!main) return { tasks: [], longestCpuMs: 0 };
  const mine = events.filter((e) => e.pid === main.pid && e.tid === main.tid && e.ph === 'X');
  const all = mine.filter((e) => e.name === 'RunTask');
  const longestCpuMs = Math.max(0, ...all.map((e) => (e.tdur ?? e.dur ?? 0) / 1000));
  const tasks = all.filter((e) => (e.dur ?? 0) > overMs * 1000);
  return { tasks: tasks.map((task) => breakdown(task, mine)), longestCpuMs };
}

function breakdown(task: TraceEvent, mine: TraceEvent[]): TaskBreakdown {
  const end = task.ts + task.dur!;
  const parts: Record<string, number> = {};
  for (const e of mine) {
    if (!PARTS.has(e.name) || e.ts < task.ts || e.ts >= end) continue;
    const label = e.name === 'FunctionCall' ? `FunctionCall ${fnName(e)}` : e.name;
    parts[label] = (parts[label] ?? 0) + (e.dur ?? 0) / 1000;
  }
  return { ms: task.dur! / 1000, cpuMs: (task.tdur ?? task.dur!) / 1000, parts };
}

function fnName(e: TraceEvent): string {
  const d = e.args?.data;
  return d?.functionName || (d?.url ? d.url.replace(/^.*\//, '') : '?');
}

export function printBreakdowns(tasks: TaskBreakdown[]): void {
  for (const t of tasks) {
    const parts = Object.entries(t.parts)
      .filter(([, ms]) => ms >= 1)
      .sort((a, b) => b[1] - a[1])
      .map(([name, ms]) => `${name} ${ms.toFixed(0)}`);
    console.log(`  task ${t.ms.toFixed(0)} ms (CPU ${t.cpuMs.toFixed(0)}): ${parts.join(', ')}`);
  }
}
