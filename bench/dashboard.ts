import 'reflect-metadata';
import { Command } from 'commander';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { gzipSync } from 'node:zlib';
import { chromium, type Browser } from 'playwright-core';
import { type Gateway } from '../src/gateway';
import { longTasksOf, printBreakdowns, startTrace, type TaskBreakdown } from './dashboard-trace';
import { median, printTable } from './stats';
import { startBenchGateway } from './gateway';

/*
 * The dashboard's first load and its fleet page with many devices, in headless Chromium
 * (Debian's /usr/bin/chromium): JavaScript shipped (gzip), time until every device row is
 * in the table, and the long tasks (over 50 ms, PerformanceObserver 'longtask') while it
 * loads, while two polls of the list re-render it, and while a search filters it.
 *   npm run bench:dashboard -- --devices 1000 --rounds 5
 */

interface Options {
  devices: number;
  rounds: number;
  web: string;
  chromium: string;
  trace: boolean;
}

interface Round {
  tableMs: number;
  loadLongest: number;
  pollLongest: number;
  searchMs: number;
  searchLongest: number;
  /** With --trace: what each long task of the load was made of. */
  breakdown: TaskBreakdown[];
  /** With --trace: the CPU time of the load's costliest task. */
  loadLongestCpu: number;
}

/** Runs in the page before its scripts: logs in and records every long task with its phase. */
const recorder = (token: string) => `
  sessionStorage.setItem('vmfleet.token', ${JSON.stringify(token)});
  window.phase = 'load';
  window.longTasks = [];
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) window.longTasks.push([window.phase, e.duration]);
  }).observe({ type: 'longtask', buffered: true });`;

/** A function (the page's CSP forbids the eval that a text predicate would need). */
const rowsAre = (n: number) =>
  (
    globalThis as unknown as { document: { querySelectorAll(s: string): { length: number } } }
  ).document.querySelectorAll('tr[data-device]').length === n;

function jsGzipBytes(web: string): { raw: number; gzip: number } {
  const dir = path.join(web, 'assets');
  const files = fs.readdirSync(dir).filter((f) => f.endsWith('.js'));
  const bytes = files.map((f) => fs.readFileSync(path.join(dir, f)));
  return {
    raw: bytes.reduce((s, b) => s + b.length, 0),
    gzip: bytes.reduce((s, b) => s + gzipSync(b, { level: 9 }).length, 0),
  };
}

async function seed(gw: Gateway, count: number): Promise<void> {
  const vms = ['mips1', 'ebpf', 'wasm', 'lua'];
  const boards = ['nrf52840', 'esp32'];
  for (let i = 0; i < count; i += 50) {
    await Promise.all(
      Array.from({ length: Math.min(50, count - i) }, async (_, j) => {
        const n = i + j;
        const res = await fetch(`${gw.httpUrl}/api/devices`, {
          method: 'POST',
          headers: { authorization: `Bearer ${gw.apiToken}`, 'content-type': 'application/json' },
          body: JSON.stringify({
            id: `bench-${String(n).padStart(5, '0')}`,
            board: boards[n % boards.length],
            vm: vms[n % vms.length],
            tags: [`rack-${n % 10}`],
          }),
        });
        if (res.status !== 201) throw new Error(`provisioning device ${n}: HTTP ${res.status}`);
      }),
    );
  }
}

async function round(browser: Browser, gw: Gateway, o: Options): Promise<Round> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  await context.addInitScript(recorder(gw.apiToken));
  const page = await context.newPage();
  const trace = o.trace ? await startTrace(page) : null;
  await page.goto(`${gw.httpUrl}/`);
  await page.waitForFunction(rowsAre, o.devices, { polling: 'raf', timeout: 60_000 });
  const tableMs = await page.evaluate<number>('performance.now()');
  const traced = trace ? await longTasksOf(trace) : { tasks: [], longestCpuMs: 0 };
  await page.evaluate("window.phase = 'poll'");
  await page.waitForTimeout(10_500); // the fleet page polls every 5 s: two re-renders
  await page.evaluate("window.phase = 'search'");
  // rack-3 is every tenth device.
  const searchStart = await page.evaluate<number>('performance.now()');
  await page.getByRole('searchbox').fill('rack-3');
  await page.waitForFunction(rowsAre, Math.ceil((o.devices - 3) / 10), { polling: 'raf' });
  const searchMs = (await page.evaluate<number>('performance.now()')) - searchStart;
  await page.waitForTimeout(200);
  const tasks = await page.evaluate<[string, number][]>('window.longTasks');
  await context.close();
  const longest = (phase: string) =>
    Math.max(0, ...tasks.filter(([p]) => p === phase).map(([, d]) => d));
  return {
    tableMs,
    loadLongest: longest('load'),
    pollLongest: longest('poll'),
    searchMs,
    searchLongest: longest('search'),
    breakdown: traced.tasks,
    loadLongestCpu: traced.longestCpuMs,
  };
}

async function main(o: Options): Promise<void> {
  if (!fs.existsSync(path.join(o.web, 'index.html'))) {
    throw new Error(`no dashboard build in ${o.web}: run npm run build first`);
  }
  const gw = await startBenchGateway('dash', {
    VMFLEET_MQTT_TLS_PORT: 'off',
    VMFLEET_DASHBOARD_DIR: o.web,
  });
  const browser = await chromium.launch({ executablePath: o.chromium });
  try {
    await seed(gw, o.devices);
    const rounds: Round[] = [];
    for (let i = 0; i < o.rounds; i++) rounds.push(await round(browser, gw, o));
    const js = jsGzipBytes(o.web);
    console.log(
      `dashboard JS: ${(js.raw / 1024).toFixed(1)} KiB, ${(js.gzip / 1024).toFixed(1)} KiB gzip; ` +
        `${o.devices} devices (provisioned, offline), ${o.rounds} rounds, ${os.cpus().length} CPUs, load average ${os.loadavg()[0].toFixed(1)}`,
    );
    const ms = (pick: (r: Round) => number) =>
      [median(rounds.map(pick)), Math.min(...rounds.map(pick)), Math.max(...rounds.map(pick))].map(
        (v) => v.toFixed(0),
      );
    printTable([
      ['ms', 'median', 'min', 'max'],
      ['every row in the table (from navigation)', ...ms((r) => r.tableMs)],
      ['longest task while loading', ...ms((r) => r.loadLongest)],
      ['longest task during 2 polls', ...ms((r) => r.pollLongest)],
      ['search to filtered table', ...ms((r) => r.searchMs)],
      ['longest task during the search', ...ms((r) => r.searchLongest)],
      ...(o.trace
        ? [['costliest task while loading (CPU, trace)', ...ms((r) => r.loadLongestCpu)]]
        : []),
    ]);
    if (o.trace) {
      console.log('tasks over 50 ms while loading, from the trace (ms by event):');
      rounds.forEach((r, i) => {
        console.log(`round ${i + 1}:`);
        printBreakdowns(r.breakdown);
      });
    }
  } finally {
    await browser.close();
    await gw.close();
  }
}

const program = new Command()
  .name('bench:dashboard')
  .description("the dashboard's JS size and its fleet page with many devices, in headless Chromium")
  .option('--devices <n>', 'devices to provision', (v) => Number(v), 1000)
  .option('--rounds <n>', 'page loads to measure', (v) => Number(v), 5)
  .option('--web <dir>', 'the dashboard build', path.join(__dirname, '..', 'web'))
  .option('--chromium <path>', 'the browser', '/usr/bin/chromium')
  .option('--trace', "break down each long task of the load from Chromium's trace", false)
  .parse();

main(program.opts<Options>()).catch((err: Error) => {
  console.error(`bench:dashboard: ${err.message}`);
  process.exit(1);
});
