/**
 * What the CLI sends to the REST API (CONTRACT.md, REST). The gateway checks each body with
 * its own zod schema; the answers' shapes are in src/protocol/api, shared with the gateway.
 */

export interface DeviceFilter {
  tag?: string;
  vm?: string;
  online?: boolean;
  /** `mqtt`, `mqtt-ws` or `coap`: what online devices are connected over. */
  transport?: string;
}

export interface NewDevice {
  id: string;
  board: string;
  vm: string;
  tags?: string[];
}

export interface TagChange {
  add?: string[];
  remove?: string[];
}

export interface TelemetryQuery {
  from?: string;
  to?: string;
  step?: string;
}

export interface LoadArgs {
  vm: string;
  /** The image, base64-encoded. */
  image: string;
  app?: { id: string; version: string };
}

export type MonitorRequest =
  | { op: 'status' | 'start' | 'stop' | 'pause' | 'resume' | 'reset' | 'registers' }
  | { op: 'load'; args: LoadArgs }
  | { op: 'step'; args: { n: number } }
  | { op: 'memory'; args: { address: number; length: number } }
  | { op: 'inject'; args: { event: number; value: number } };

export interface EventQuery {
  since?: string;
  limit?: number;
  kind?: string;
}

/** `'button'` is raw event 1; user events are 100..199. */
export interface EventInjection {
  event: number | 'button';
  value?: number;
}

export interface AppFilter {
  name?: string;
  vm?: string;
  /** The gateway's benchmark images (`bench-*`) too; left out by default. */
  all?: boolean;
}

/** What `POST /api/apps` takes; the sizes override what the gateway derives, never below it. */
export interface NewApp {
  name: string;
  version: string;
  vm: string;
  payload: Uint8Array;
  /** The file name the multipart part carries; the gateway does not rely on it. */
  fileName: string;
  ramBytes?: number;
  flashBytes?: number;
}

export interface CreateDeployment {
  app: { name: string; version: string };
  target: { devices: string[] } | { tag: string };
  strategy?:
    | { kind: 'all-at-once' }
    | { kind: 'canary'; count: number }
    | { kind: 'waves'; percents: number[] };
  failureThreshold?: number;
  healthWindowMs?: number;
}
