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

const envSchema = z.object({
  VMFLEET_HTTP_PORT: port('VMFLEET_HTTP_PORT', 3000),
  VMFLEET_MQTT_PORT: port('VMFLEET_MQTT_PORT', 1883),
  VMFLEET_COAP_PORT: port('VMFLEET_COAP_PORT', 5683),
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
  VMFLEET_MQTT_BROKER_URL: z
    .string()
    .optional()
    .refine((v) => v === undefined, {
      message:
        'VMFLEET_MQTT_BROKER_URL: the external-broker mode is not available yet; unset it to use the embedded broker',
    }),
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
  VMFLEET_LOG_LEVEL: z.enum(['error', 'warn', 'log', 'debug', 'verbose']).default('log'),
  VMFLEET_BENCH_IMAGES: z.enum(['start', 'lazy', 'off']).default('start'),
});

export interface Config {
  httpPort: number;
  mqttPort: number;
  coapPort: number;
  bindHost: string;
  /** Where the CoAP socket binds: VMFLEET_COAP_HOST, else bindHost. */
  coapHost: string;
  dataDir: string;
  database: { kind: 'sqlite'; file: string } | { kind: 'postgres'; url: string };
  apiToken?: string;
  enrollmentKey?: string;
  mqttMaxPayloadBytes: number;
  telemetryRetentionDays: number;
  telemetryFlushMs: number;
  logLevel: 'error' | 'warn' | 'log' | 'debug' | 'verbose';
  /** When the benchmark images of firmware/ are published: at start, at the first campaign, never. */
  benchImages: 'start' | 'lazy' | 'off';
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
  const dataDir = path.resolve(e.VMFLEET_DATA_DIR);
  return {
    httpPort: e.VMFLEET_HTTP_PORT,
    mqttPort: e.VMFLEET_MQTT_PORT,
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
    telemetryRetentionDays: e.VMFLEET_TELEMETRY_RETENTION_DAYS,
    telemetryFlushMs: e.VMFLEET_TELEMETRY_FLUSH_MS,
    logLevel: e.VMFLEET_LOG_LEVEL,
    benchImages: e.VMFLEET_BENCH_IMAGES,
  };
}

/** Injection token for the parsed Config. */
export const CONFIG = Symbol('vmfleet.config');
