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
    `vmfleet gateway ${httpWhere(config.bindHost, gw)}  (API docs ${gw.httpUrl}/api/docs)`,
    `  MQTT  ${mqttWhere(config.bindHost, gw.mqttPort)}  ws ${wsWhere(config.bindHost, gw)}/mqtt`,
    ...tlsLines(config.bindHost, gw),
    `  CoAP  ${coapWhere(config.coapHost, gw.coapPort)}  (udp)`,
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

/** Where MQTT over TLS listens and the certificate's fingerprint, to check or pin it. */
function tlsLines(host: string, gw: Awaited<ReturnType<typeof startGateway>>): string[] {
  if (!gw.tls) return [];
  const lines: string[] = [];
  if (gw.mqttTlsPort !== null) {
    lines.push(`  MQTTS ${mqttWhere(host, gw.mqttTlsPort).replace('mqtt://', 'mqtts://')}`);
  }
  const made = gw.tls.generated ? 'self-signed, made now' : 'certificate';
  lines.push(`  TLS   ${gw.tls.certFile} (${made})`, `        SHA-256 ${gw.tls.fingerprint}`);
  return lines;
}

function isWildcard(host: string): boolean {
  return host === '0.0.0.0' || host === '::';
}

/** What HTTP binds to; on all interfaces, also the loopback URL to use from this host. */
function httpWhere(host: string, gw: { httpUrl: string; httpPort: number }): string {
  if (!isWildcard(host)) return gw.httpUrl;
  const scheme = gw.httpUrl.startsWith('https') ? 'https' : 'http';
  return `${scheme}://<this host>:${gw.httpPort} (all interfaces; here ${gw.httpUrl})`;
}

function mqttWhere(host: string, port: number): string {
  return isWildcard(host)
    ? `mqtt://<this host>:${port} (all interfaces)`
    : `mqtt://${host}:${port}`;
}

function wsWhere(host: string, gw: { httpUrl: string; httpPort: number }): string {
  const scheme = gw.httpUrl.startsWith('https') ? 'wss' : 'ws';
  return isWildcard(host)
    ? `${scheme}://<this host>:${gw.httpPort}`
    : gw.httpUrl.replace('http', 'ws');
}

/** CoAP binds on its own (VMFLEET_COAP_HOST): where, in the same words as the other lines. */
function coapWhere(bindHost: string, port: number): string {
  if (isWildcard(bindHost)) return `coap://<this host>:${port} (all interfaces)`;
  const host = bindHost.includes(':') ? `[${bindHost}]` : bindHost;
  return `coap://${host}:${port}`;
}

main().catch((err: Error) => {
  process.stderr.write(`vmfleet: failed to start: ${err.message}\n`);
  process.exit(1);
});
