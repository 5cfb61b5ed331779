import 'reflect-metadata';
import * as os from 'node:os';
import { median, printTable } from './stats';
import { startBenchGateway } from './gateway';

/**
 * What a person's API token costs per request against the first-start token: sequential
 * `GET /api/tokens/me` (the guard, the role check, no other work) on a real gateway with
 * a SQLite file. A person's token is looked up by its hash in memory once seen, so the two
 * should be within noise. Run: npx ts-node --transpile-only bench/auth.ts [requests] [rounds]
 */
async function main(): Promise<void> {
  const requests = Number(process.argv[2] ?? 2000);
  const rounds = Number(process.argv[3] ?? 5);
  const gw = await startBenchGateway('auth', {
    VMFLEET_MQTT_TLS_PORT: 'off',
  });
  try {
    const call = (token: string) =>
      fetch(`${gw.httpUrl}/api/tokens/me`, { headers: { authorization: `Bearer ${token}` } });
    const created = await fetch(`${gw.httpUrl}/api/tokens`, {
      method: 'POST',
      headers: { authorization: `Bearer ${gw.apiToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'bench', role: 'viewer' }),
    });
    const { secret } = (await created.json()) as { secret: string };
    const tokens = { 'first-start (admin)': gw.apiToken, 'person (viewer)': secret };
    const perRequestUs: Record<string, number[]> = {};
    for (let round = 0; round < rounds; round++) {
      // Alternate which goes first so warm-up does not favour one.
      const order = round % 2 ? Object.entries(tokens).reverse() : Object.entries(tokens);
      for (const [label, token] of order) {
        for (let i = 0; i < 200; i++) await (await call(token)).arrayBuffer();
        const start = performance.now();
        for (let i = 0; i < requests; i++) {
          const res = await call(token);
          if (res.status !== 200) throw new Error(`${label}: ${res.status}`);
          await res.arrayBuffer();
        }
        (perRequestUs[label] ??= []).push(((performance.now() - start) * 1000) / requests);
      }
    }
    printTable([
      ['token', 'median µs/request', 'min', 'max'],
      ...Object.entries(perRequestUs).map(([label, us]) => [
        label,
        median(us).toFixed(0),
        Math.min(...us).toFixed(0),
        Math.max(...us).toFixed(0),
      ]),
    ]);
    console.log(`${requests} sequential requests x ${rounds} rounds, ${os.cpus().length} cores`);
  } finally {
    await gw.close();
  }
}

void main();
