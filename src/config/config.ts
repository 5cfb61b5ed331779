import * as path from 'node:path';
import { z } from 'zod';

const port = (name: string, fallback: number) =>
  z.coerce
    .number({ error: `${name} must be a port number (0-65535)` })
    .int(`${name} must be an integer port`)
    .min(0, `${name} must be 0-65535`)
    .max(65535, `${name} must be 0-65535`)
    .default(fallback);

const secret = (name: string) =>
  z
    .string()
    .min(16, `${name} must be at least 16 characters; generate one with: openssl rand -hex 24`)
    .optional();

const count = (name: string, min: number, max: number, fallback: number) =>
  z.coerce
    .number({ error: `${name} must be a number` })
    .int(`${name} must be an integer`)
    .min(min, `${name} must be ${min}-${max}`)
    .max(max, `${name} must be ${min}-${max}`)
    .default(fallback);

/** The CoAP abuse limits (docs/protocol.md §11.4). */
const coapLimitsSchema = {
  /** A Block1 upload is dropped this long after its last block (> MAX_TRANSMIT_SPAN, 45 s). */
  VMFLEET_COAP_BLOCK1_TIMEOUT_MS: count('VMFLEET_COAP_BLOCK1_TIMEOUT_MS', 100, 600_000, 60_000),
  VMFLEET_COAP_BLOCK1_PER_ENDPOINT: count('VMFLEET_COAP_BLOCK1_PER_ENDPOINT', 1, 64, 2),
  VMFLEET_COAP_BLOCK1_MAX: count('VMFLEET_COAP_BLOCK1_MAX', 1, 100_000, 256),
  /** Requests a second per endpoint (token bucket); 0: no limit. */
  VMFLEET_COAP_RATE: count('VMFLEET_COAP_RATE', 0, 1_000_000, 100),
  VMFLEET_COAP_BURST: count('VMFLEET_COAP_BURST', 1, 1_000_000, 200),
};

const envSchema = z.object({
  VMFLEET_HTTP_PORT: port('VMFLEET_HTTP_PORT', 3000),
  VMFLEET_MQTT_PORT: port('VMFLEET_MQTT_PORT', 1883),
  VMFLEET_COAP_PORT: port('VMFLEET_COAP_PORT', 5683),
  /** MQTT over TLS; `off` turns the TLS listener off (plain MQTT stays on VMFLEET_MQTT_PORT). */
  VMFLEET_MQTT_TLS_PORT: z
    .union([z.literal('off'), port('VMFLEET_MQTT_TLS_PORT', 8883)])
    .default(8883),
  /** PEM files of the certificate and its key; both or neither (else <data dir>/tls/, made on first start). */
  VMFLEET_TLS_CERT: z.string().min(1).optional(),
  VMFLEET_TLS_KEY: z.string().min(1).optional(),
  /** 1: the REST API (and MQTT over WebSocket) serve HTTPS with the same certificate. */
  VMFLEET_HTTPS: z.enum(['0', '1'], { error: 'VMFLEET_HTTPS must be 0 or 1' }).default('0'),
  VMFLEET_BIND_HOST: z.string().min(1).default('0.0.0.0'),
  /** CoAP's own bind address when it differs (IPv6 for 6LoWPAN/RIOT devices: `::`, `fe80::1%tap0`). */
  VMFLEET_COAP_HOST: z.string().min(1).optional(),
  VMFLEET_DATA_DIR: z.string().min(1).default('./data'),
  VMFLEET_DATABASE_URL: z
    .string()
    .regex(
      /^postgres(ql)?:\/\/.+/,
      'VMFLEET_DATABASE_URL must be a postgres:// URL (leave it unset for the embedded SQLite file)',
    )
    .optional(),
  /** An external broker (docs/operations.md "External Mosquitto"): no embedded broker then. */
  VMFLEET_MQTT_BROKER_URL: z
    .string()
    .regex(
      /^mqtts?:\/\/[^/?#]+\/?$/,
      'VMFLEET_MQTT_BROKER_URL must be mqtt://host:port or mqtts://host:port (leave it unset for the embedded broker)',
    )
    .optional(),
  VMFLEET_MQTT_BROKER_USERNAME: z.string().min(1).optional(),
  VMFLEET_MQTT_BROKER_PASSWORD: z.string().min(1).optional(),
  /** PEM CA file that signed the broker's certificate (mqtts:// only); else the system CAs. */
  VMFLEET_MQTT_BROKER_CA: z.string().min(1).optional(),
  /** This instance's MQTT client id; set it (unique per instance) for a session that outlives restarts. */
  VMFLEET_MQTT_CLIENT_ID: z
    .string()
    .regex(/^[A-Za-z0-9._-]{1,64}$/, 'VMFLEET_MQTT_CLIENT_ID must be 1-64 of A-Z a-z 0-9 . _ -')
    .optional(),
  VMFLEET_API_TOKEN: secret('VMFLEET_API_TOKEN'),
  VMFLEET_ENROLLMENT_KEY: secret('VMFLEET_ENROLLMENT_KEY'),
  VMFLEET_MQTT_MAX_PAYLOAD_BYTES: z.coerce
    .number()
    .int()
    .min(1024, 'VMFLEET_MQTT_MAX_PAYLOAD_BYTES must be at least 1024')
    .max(16 * 1024 * 1024, 'VMFLEET_MQTT_MAX_PAYLOAD_BYTES must be at most 16 MiB')
    .default(65536),
  VMFLEET_TELEMETRY_RETENTION_DAYS: z.coerce
    .number()
    .positive('VMFLEET_TELEMETRY_RETENTION_DAYS must be > 0')
    .max(3650)
    .default(7),
  VMFLEET_TELEMETRY_FLUSH_MS: z.coerce.number().int().min(10).max(10000).default(250),
  ...coapLimitsSchema,
  VMFLEET_LOG_LEVEL: z.enum(['error', 'warn', 'log', 'debug', 'verbose']).default('log'),
  VMFLEET_BENCH_IMAGES: z.enum(['start', 'lazy', 'off']).default('start'),
  /** The built web dashboard served at `/`; absent: the package's own `dist/web`. */
  VMFLEET_DASHBOARD_DIR: z.string().min(1).optional(),
});

export interface Config {
  httpPort: number;
  mqttPort: number;
  /** The MQTT-over-TLS port, or null when it is off. */
  mqttTlsPort: number | null;
  /** Certificate and key files; absent: `<dataDir>/tls/{cert,key}.pem`, self-signed when new. */
  tls: { certFile: string; keyFile: string; generate: boolean };
  https: boolean;
  coapPort: number;
  bindHost: string;
  /** Where the CoAP socket binds: VMFLEET_COAP_HOST, else bindHost. */
  coapHost: string;
  dataDir: string;
  database: { kind: 'sqlite'; file: string } | { kind: 'postgres'; url: string };
  apiToken?: string;
  enrollmentKey?: string;
  mqttMaxPayloadBytes: number;
  /** The embedded aedes broker, or an external one the gateway joins as a client. */
  mqttBroker: MqttBrokerConfig;
  coapLimits: CoapLimits;
  telemetryRetentionDays: number;
  telemetryFlushMs: number;
  logLevel: 'error' | 'warn' | 'log' | 'debug' | 'verbose';
  /** When the benchmark images of firmware/ are published: at start, at the first campaign, never. */
  benchImages: 'start' | 'lazy' | 'off';
  /** VMFLEET_DASHBOARD_DIR resolved; absent: src/dashboard serves the package's `dist/web`. */
  dashboardDir?: string;
}

export type MqttBrokerConfig = { kind: 'embedded' } | ExternalBrokerConfig;

export interface ExternalBrokerConfig {
  kind: 'external';
  /** mqtt(s)://host:port, credentials taken out. */
  url: string;
  username: string;
  password: string;
  caFile?: string;
  /** Given: a persistent session under this id; absent: a fresh id and a clean session per start. */
  clientId?: string;
}

/** docs/protocol.md §11.4: how much a CoAP endpoint, or all of them, may hold and send. */
export interface CoapLimits {
  block1TimeoutMs: number;
  block1PerEndpoint: number;
  /** Unfinished Block1 uploads in all; a quarter of them (at least 1) without a session. */
  block1Total: number;
  ratePerS: number;
  burst: number;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n  - ${problems.join('\n  - ')}`);
  }
}

/** Parses the environment once; every bad value is reported, not just the first. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const relevant = Object.fromEntries(
    Object.entries(env).filter(([k, v]) => k.startsWith('VMFLEET_') && v !== ''),
  );
  const parsed = envSchema.safeParse(relevant);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((i) => {
        const name = i.path.length ? String(i.path[0]) : '';
        return i.message.startsWith(name) ? i.message : `${name}: ${i.message}`;
      }),
    );
  }
  const e = parsed.data;
  if (Boolean(e.VMFLEET_TLS_CERT) !== Boolean(e.VMFLEET_TLS_KEY)) {
    throw new ConfigError([
      'VMFLEET_TLS_CERT and VMFLEET_TLS_KEY go together: set both (PEM files) or neither (a self-signed pair is made in <data dir>/tls/)',
    ]);
  }
  const dataDir = path.resolve(e.VMFLEET_DATA_DIR);
  const mqttBroker = brokerConfig(e);
  return {
    httpPort: e.VMFLEET_HTTP_PORT,
    mqttPort: e.VMFLEET_MQTT_PORT,
    mqttTlsPort: e.VMFLEET_MQTT_TLS_PORT === 'off' ? null : e.VMFLEET_MQTT_TLS_PORT,
    tls:
      e.VMFLEET_TLS_CERT && e.VMFLEET_TLS_KEY
        ? {
            certFile: path.resolve(e.VMFLEET_TLS_CERT),
            keyFile: path.resolve(e.VMFLEET_TLS_KEY),
            generate: false,
          }
        : {
            certFile: path.join(dataDir, 'tls', 'cert.pem'),
            keyFile: path.join(dataDir, 'tls', 'key.pem'),
            generate: true,
          },
    https: e.VMFLEET_HTTPS === '1',
    coapPort: e.VMFLEET_COAP_PORT,
    bindHost: e.VMFLEET_BIND_HOST,
    coapHost: e.VMFLEET_COAP_HOST ?? e.VMFLEET_BIND_HOST,
    dataDir,
    database: e.VMFLEET_DATABASE_URL
      ? { kind: 'postgres', url: e.VMFLEET_DATABASE_URL }
      : { kind: 'sqlite', file: path.join(dataDir, 'vmfleet.sqlite') },
    apiToken: e.VMFLEET_API_TOKEN,
    enrollmentKey: e.VMFLEET_ENROLLMENT_KEY,
    mqttMaxPayloadBytes: e.VMFLEET_MQTT_MAX_PAYLOAD_BYTES,
    mqttBroker,
    coapLimits: {
      block1TimeoutMs: e.VMFLEET_COAP_BLOCK1_TIMEOUT_MS,
      block1PerEndpoint: e.VMFLEET_COAP_BLOCK1_PER_ENDPOINT,
      block1Total: e.VMFLEET_COAP_BLOCK1_MAX,
      ratePerS: e.VMFLEET_COAP_RATE,
      burst: e.VMFLEET_COAP_BURST,
    },
    telemetryRetentionDays: e.VMFLEET_TELEMETRY_RETENTION_DAYS,
    telemetryFlushMs: e.VMFLEET_TELEMETRY_FLUSH_MS,
    logLevel: e.VMFLEET_LOG_LEVEL,
    benchImages: e.VMFLEET_BENCH_IMAGES,
    dashboardDir: e.VMFLEET_DASHBOARD_DIR && path.resolve(e.VMFLEET_DASHBOARD_DIR),
  };
}

/**
 * The broker settings: credentials from the URL (`mqtt://user:pass@host:1883`) or from
 * VMFLEET_MQTT_BROKER_USERNAME/PASSWORD, not both; the gateway never connects anonymously.
 */
function brokerConfig(e: z.infer<typeof envSchema>): MqttBrokerConfig {
  const raw = e.VMFLEET_MQTT_BROKER_URL;
  if (raw === undefined) {
    const stray = (
      [
        'VMFLEET_MQTT_BROKER_USERNAME',
        'VMFLEET_MQTT_BROKER_PASSWORD',
        'VMFLEET_MQTT_BROKER_CA',
        'VMFLEET_MQTT_CLIENT_ID',
      ] as const
    ).filter((k) => e[k] !== undefined);
    if (stray.length)
      throw new ConfigError([
        `${stray.join(', ')} need VMFLEET_MQTT_BROKER_URL (an external broker)`,
      ]);
    return { kind: 'embedded' };
  }
  const url = new URL(raw);
  const inUrl = url.username !== '' || url.password !== '';
  const fromEnv = e.VMFLEET_MQTT_BROKER_USERNAME ?? e.VMFLEET_MQTT_BROKER_PASSWORD;
  const problems: string[] = [];
  if (inUrl && fromEnv !== undefined)
    problems.push(
      'VMFLEET_MQTT_BROKER_URL has credentials and VMFLEET_MQTT_BROKER_USERNAME/PASSWORD are set too: use one of them',
    );
  const username = inUrl ? decodeURIComponent(url.username) : e.VMFLEET_MQTT_BROKER_USERNAME;
  const password = inUrl ? decodeURIComponent(url.password) : e.VMFLEET_MQTT_BROKER_PASSWORD;
  if (!username || !password)
    problems.push(
      'VMFLEET_MQTT_BROKER_URL: the gateway needs its own broker login: set VMFLEET_MQTT_BROKER_USERNAME and VMFLEET_MQTT_BROKER_PASSWORD (see vmfleet broker config)',
    );
  if (e.VMFLEET_MQTT_BROKER_CA && url.protocol !== 'mqtts:')
    problems.push('VMFLEET_MQTT_BROKER_CA is for an mqtts:// broker URL only');
  if (!url.port) problems.push('VMFLEET_MQTT_BROKER_URL must name a port (mqtt://host:1883)');
  if (problems.length) throw new ConfigError(problems);
  return {
    kind: 'external',
    url: `${url.protocol}//${url.host}`,
    username: username!,
    password: password!,
    caFile: e.VMFLEET_MQTT_BROKER_CA && path.resolve(e.VMFLEET_MQTT_BROKER_CA),
    clientId: e.VMFLEET_MQTT_CLIENT_ID,
  };
}

/** Injection token for the parsed Config. */
export const CONFIG = Symbol('vmfleet.config');
