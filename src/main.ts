import 'reflect-metadata';
import * as path from 'node:path';
import { ConfigError, loadConfig } from './config/config';
import { startGateway } from './gateway';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`vmfleet: ${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
  const gw = await startGateway(config);
  const lines = [
    `vmfleet gateway ${gw.httpUrl}  (API docs ${gw.httpUrl}/api/docs)`,
    `  MQTT  ${mqttWhere(config.bindHost, gw.mqttPort)}  ws ${gw.httpUrl.replace('http', 'ws')}/mqtt`,
    `  CoAP  coap://${coapHost(config.coapHost)}:${gw.coapPort}  (udp)`,
    `  data  ${config.dataDir} (${config.database.kind})`,
  ];
  if (gw.apiTokenGenerated) {
    lines.push(
      `  API token (shown once, kept in ${path.join(config.dataDir, 'api-token')}):`,
      `    export VMFLEET_API_TOKEN=${gw.apiToken}`,
    );
  }
  process.stdout.write(lines.join('\n') + '\n');
}

function mqttWhere(host: string, port: number): string {
  const all = host === '0.0.0.0' || host === '::';
  return all ? `mqtt://<this host>:${port} (all interfaces)` : `mqtt://${host}:${port}`;
}

main().catch((err: Error) => {
  process.stderr.write(`vmfleet: failed to start: ${err.message}\n`);
  process.exit(1);
});

/** Where a CoAP client finds the gateway: the bind address, or loopback for a wildcard. */
function coapHost(bindHost: string): string {
  if (bindHost === '0.0.0.0') return '127.0.0.1';
  if (bindHost === '::') return '[::1]';
  return bindHost.includes(':') ? `[${bindHost}]` : bindHost;
}
