import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';

/** Clock ticks per second of /proc/<pid>/stat's CPU times (getconf CLK_TCK; 100 on Linux). */
const TICKS = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/** A process' resident memory and the CPU time it has used so far, from /proc. */
export interface ProcSample {
  rssBytes: number;
  cpuSeconds: number;
  at: number;
}

export function sampleProc(pid: number): ProcSample {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const rss = /^VmRSS:\s+(\d+) kB/m.exec(status);
  if (!rss) throw new Error(`no VmRSS in /proc/${pid}/status`);
  // Fields after the command name, which is in parentheses and may hold spaces.
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]); // utime, stime (fields 14, 15)
  return { rssBytes: Number(rss[1]) * 1024, cpuSeconds: ticks / TICKS, at: performance.now() };
}

/** CPU used between two samples, as a share of one core. */
export function cpuShare(from: ProcSample, to: ProcSample): number {
  return (to.cpuSeconds - from.cpuSeconds) / ((to.at - from.at) / 1000);
}

/**
 * 10,000 devices are 10,000 sockets in the simulator and as many in the broker: the soft
 * RLIMIT_NOFILE must allow `needed`. It is raised up to the hard limit for this process
 * (children inherit it) with prlimit(1); above the hard limit only root can help.
 */
export function ensureOpenFiles(needed: number): string {
  const limits = fs.readFileSync('/proc/self/limits', 'utf8');
  const m = /^Max open files\s+(\d+|unlimited)\s+(\d+|unlimited)/m.exec(limits);
  if (!m) return 'RLIMIT_NOFILE unknown (no /proc/self/limits line)';
  const soft = m[1] === 'unlimited' ? Infinity : Number(m[1]);
  const hard = m[2] === 'unlimited' ? Infinity : Number(m[2]);
  if (soft >= needed) return `RLIMIT_NOFILE ${m[1]} (need ${needed})`;
  if (hard < needed) {
    throw new Error(
      `${needed} open files needed but the hard limit is ${hard}: as root run \`prlimit --pid ${process.pid} --nofile=${needed}:${needed}\` or start from a shell with \`ulimit -Hn ${needed}; ulimit -n ${needed}\``,
    );
  }
  const target = hard === Infinity ? needed : hard;
  try {
    execFileSync('prlimit', ['--pid', String(process.pid), `--nofile=${target}:${m[2]}`]);
  } catch (err) {
    throw new Error(
      `could not raise RLIMIT_NOFILE to ${target} with prlimit (${(err as Error).message}): run \`ulimit -n ${target}\` first`,
    );
  }
  return `RLIMIT_NOFILE raised ${soft} → ${target} (need ${needed})`;
}
