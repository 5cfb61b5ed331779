import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadConfig } from '../../src/config/config';
import { Gateway, startGateway } from '../../src/gateway';

export interface TestGateway extends Gateway {
  dataDir: string;
  /** Calls the REST API with the gateway's token; returns status and parsed body. */
  api<T = any>(
    method: string,
    url: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<{ status: number; body: T }>;
  mqttUrl: string;
  coapUrl: string;
  stop(): Promise<void>;
  /** Closes the gateway but keeps its data dir, for a restart on the same data. */
  restartable(): Promise<void>;
}

/** The real gateway on 127.0.0.1, ports 0, a fresh SQLite file (or the given env). */
export async function startTestGateway(
  env: Record<string, string> = {},
  options: { dataDir?: string } = {},
): Promise<TestGateway> {
  const dataDir = options.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'vmfleet-e2e-'));
  const config = loadConfig({
    VMFLEET_DATA_DIR: dataDir,
    VMFLEET_HTTP_PORT: '0',
    VMFLEET_MQTT_PORT: '0',
    VMFLEET_MQTT_TLS_PORT: '0',
    VMFLEET_COAP_PORT: '0',
    // Publishing ~80 benchmark images takes seconds; only campaign tests need them.
    VMFLEET_BENCH_IMAGES: 'lazy',
    VMFLEET_BIND_HOST: '127.0.0.1',
    VMFLEET_TELEMETRY_FLUSH_MS: '50',
    ...env,
  });
  const gw = await startGateway(config, {
    logger: process.env.VMFLEET_TEST_LOG ? undefined : false,
  });
  const api = async (
    method: string,
    url: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ) => {
    const res = await fetch(gw.httpUrl + url, {
      method,
      headers: {
        authorization: `Bearer ${gw.apiToken}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...headers,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    const json = res.headers.get('content-type')?.includes('json');
    return { status: res.status, body: json && text ? JSON.parse(text) : text || undefined };
  };
  return {
    ...gw,
    dataDir,
    api,
    mqttUrl: `mqtt://127.0.0.1:${gw.mqttPort}`,
    coapUrl: `coap://127.0.0.1:${gw.coapPort}`,
    stop: async () => {
      await gw.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
    restartable: () => gw.close(),
  };
}

/** The tests' one polling wait, here too for the e2e files that import it with the gateway. */
export { waitFor } from '../../devices/testing/wait-for';
