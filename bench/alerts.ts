import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { AlertEvaluator, type TelemetryReading } from '../src/alerts/domain/alert-evaluator';
import { type AlertRule, ruleInputSchema } from '../src/alerts/domain/alert-rule';
import { median, printTable } from './stats';
import { startBenchGateway } from './gateway';

/**
 * What alerting and /metrics cost at fleet scale, on this machine:
 * - the evaluator per telemetry sample (it runs for every uplink, beside ingest), with
 *   1,000 devices and 0, 12 or 48 rules of every device kind, and one timer tick over them;
 * - one /metrics scrape of a real gateway (SQLite file) whose devices table holds N devices
 *   with a latest sample (the fleet gauges read it per scrape).
 * Run: npx ts-node --transpile-only bench/alerts.ts [devices] [rounds]
 */
const DEVICES = Number(process.argv[2] ?? 1000);
const ROUNDS = Number(process.argv[3] ?? 5);
const SAMPLES_PER_DEVICE = 100;

function rules(count: number): AlertRule[] {
  const inputs = [
    { kind: 'telemetry', metric: 'ram_pct', op: '>', threshold: 90, forSeconds: 60 },
    { kind: 'telemetry', metric: 'cpu_pct', op: '>', threshold: 95, scope: { tag: 'lab' } },
    { kind: 'telemetry', metric: 'instructions_per_s', op: '<', threshold: 1 },
    { kind: 'telemetry', metric: 'flash_pct', op: '>', threshold: 99, scope: { vm: 'wasm' } },
    { kind: 'silent', periods: 3 },
    { kind: 'event_rate', event: 'fault', count: 3, windowSeconds: 3600 },
  ];
  return Array.from({ length: count }, (_, i) => ({
    ...ruleInputSchema.parse({ name: `r${i}`, ...inputs[i % inputs.length] }),
    id: i + 1,
    createdAt: 0,
    updatedAt: 0,
  }));
}

function evaluatorRound(ruleCount: number): { perSampleUs: number; tickMs: number } {
  const ev = new AlertEvaluator();
  ev.setRules(rules(ruleCount), 0);
  const facts = Array.from({ length: DEVICES }, (_, i) => ({
    id: `d-${i}`,
    board: 'nrf52840',
    vm: i % 2 ? 'wasm' : 'mips1',
    tags: i % 3 ? ['lab'] : [],
  }));
  const reading: TelemetryReading = {
    at: 0,
    ramUsed: 0,
    ramTotal: 262144,
    flashUsed: 60000,
    flashTotal: 1048576,
    cpu: 0.2,
    instructions: 0,
  };
  const started = performance.now();
  for (let s = 0; s < SAMPLES_PER_DEVICE; s++) {
    for (let d = 0; d < DEVICES; d++) {
      reading.at = s * 10_000 + d;
      reading.ramUsed = (s * 2621 + d) % 262144;
      reading.instructions = s * 1_000_000;
      ev.telemetry(facts[d], reading);
    }
  }
  const perSampleUs = ((performance.now() - started) * 1000) / (SAMPLES_PER_DEVICE * DEVICES);
  const tickStarted = performance.now();
  ev.tick(SAMPLES_PER_DEVICE * 10_000);
  return { perSampleUs, tickMs: performance.now() - tickStarted };
}

async function scrapeMs(devices: number, rounds: number): Promise<number[]> {
  const gw = await startBenchGateway('alerts', {
    VMFLEET_MQTT_TLS_PORT: 'off',
  });
  try {
    const db = gw.app.get(DataSource);
    const latest = JSON.stringify({
      ramUsed: 12000,
      ramTotal: 262144,
      flashUsed: 6e4,
      flashTotal: 1048576,
    });
    await db.transaction(async (m) => {
      for (let i = 0; i < devices; i++) {
        await m.query(
          'INSERT INTO devices (id, board, vm_kind, token_hash, online, created_at, latest_telemetry) VALUES (?, ?, ?, ?, ?, ?, ?)',
          [
            `b-${i}`,
            i % 2 ? 'esp32' : 'nrf52840',
            ['mips1', 'wasm', 'lua'][i % 3],
            'x',
            i % 2,
            0,
            latest,
          ],
        );
      }
    });
    const headers = { authorization: `Bearer ${gw.apiToken}` };
    const times: number[] = [];
    for (let r = 0; r < rounds + 1; r++) {
      const started = performance.now();
      const text = await (await fetch(`${gw.httpUrl}/metrics`, { headers })).text();
      if (devices && !text.includes('vmfleet_fleet_ram_used_bytes{')) {
        throw new Error('no fleet gauges in /metrics');
      }
      if (r > 0) times.push(performance.now() - started); // the first one warms up
    }
    return times;
  } finally {
    await gw.close();
  }
}

async function main(): Promise<void> {
  const rows = [['rules', 'µs per sample (median)', 'tick ms (median)', 'rounds']];
  for (const count of [0, 12, 48]) {
    const runs = Array.from({ length: ROUNDS }, () => evaluatorRound(count));
    rows.push([
      String(count),
      median(runs.map((r) => r.perSampleUs)).toFixed(2),
      median(runs.map((r) => r.tickMs)).toFixed(2),
      String(ROUNDS),
    ]);
  }
  console.log(`AlertEvaluator, ${DEVICES} devices × ${SAMPLES_PER_DEVICE} samples`);
  printTable(rows);
  console.log('');
  const scrape = [['devices', '/metrics scrape ms (median)', 'min', 'max']];
  for (const n of [0, DEVICES, DEVICES * 10]) {
    const t = await scrapeMs(n, ROUNDS);
    scrape.push([
      String(n),
      median(t).toFixed(1),
      Math.min(...t).toFixed(1),
      Math.max(...t).toFixed(1),
    ]);
  }
  printTable(scrape);
}

main().catch((err: Error) => {
  console.error(err);
  process.exit(1);
});
