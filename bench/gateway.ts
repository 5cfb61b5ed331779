import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadConfig } from '../src/config/config';
import { startGateway, type Gateway } from '../src/gateway';

/**
 * A gateway for a bench: a fresh data dir under the system's temp dir, every listener on a
 * free loopback port, no built-in benchmark images, no logger; `env` adds or overrides
 * settings (e.g. VMFLEET_MQTT_TLS_PORT: 'off', VMFLEET_COAP_RATE: '0'). close() also removes
 * the data dir.
 */
export async function startBenchGateway(
  name: string,
  env: Record<string, string> = {},
): Promise<Gateway> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `vmfleet-bench-${name}-`));
  const config = loadConfig({
    VMFLEET_DATA_DIR: dataDir,
    VMFLEET_HTTP_PORT: '0',
    VMFLEET_MQTT_PORT: '0',
    VMFLEET_MQTT_TLS_PORT: '0',
    VMFLEET_COAP_PORT: '0',
    VMFLEET_BENCH_IMAGES: 'off',
    VMFLEET_BIND_HOST: '127.0.0.1',
    ...env,
  });
  const gw = await startGateway(config, { logger: false });
  return {
    ...gw,
    /** Stops the gateway and removes its data dir. */
    async close() {
      await gw.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
