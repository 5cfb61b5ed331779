import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

export const DEFAULT_URL = 'http://127.0.0.1:3000';

export interface GlobalOptions {
  url?: string;
  token?: string;
}

export interface Connection {
  url: string;
  token?: string;
  /** Where the token came from, for error hints: flag, env, file, or none. */
  tokenSource: 'flag' | 'env' | 'file' | 'none';
  tokenFile: string;
}

/** `<VMFLEET_DATA_DIR or ./data>/api-token`: the gateway writes it on its first start. */
export function tokenFilePath(env: NodeJS.ProcessEnv, cwd: string): string {
  return resolve(cwd, env.VMFLEET_DATA_DIR || 'data', 'api-token');
}

function readTokenFile(path: string): string | undefined {
  try {
    const token = readFileSync(path, 'utf8').trim();
    return token || undefined;
  } catch {
    return undefined;
  }
}

/** Flag beats environment beats the gateway's token file; the URL falls back to the default. */
export function resolveConnection(
  options: GlobalOptions,
  env: NodeJS.ProcessEnv,
  cwd: string,
): Connection {
  const url = (options.url || env.VMFLEET_URL || DEFAULT_URL).replace(/\/+$/, '');
  const tokenFile = tokenFilePath(env, cwd);
  if (options.token) return { url, token: options.token, tokenSource: 'flag', tokenFile };
  if (env.VMFLEET_API_TOKEN) {
    return { url, token: env.VMFLEET_API_TOKEN, tokenSource: 'env', tokenFile };
  }
  const fromFile = readTokenFile(tokenFile);
  if (fromFile) return { url, token: fromFile, tokenSource: 'file', tokenFile };
  return { url, tokenSource: 'none', tokenFile };
}

/** RFC 7252 §6.1: the default CoAP port, the gateway's unless VMFLEET_COAP_PORT says otherwise. */
export const DEFAULT_COAP_PORT = 5683;

/** `coap://<host of the gateway URL>:<port>`; `URL.hostname` keeps IPv6 brackets. */
export function defaultCoapUrl(gatewayUrl: string, coapPort = DEFAULT_COAP_PORT): string {
  return `coap://${new URL(gatewayUrl).hostname}:${coapPort}`;
}

/** `mqtt://<host of the gateway URL>:<port>`; `URL.hostname` keeps IPv6 brackets. */
export function defaultMqttUrl(gatewayUrl: string, mqttPort: number): string {
  return `mqtt://${new URL(gatewayUrl).hostname}:${mqttPort}`;
}
