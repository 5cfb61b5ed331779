import type { VmKind } from '../../src/protocol';
import type { ApiClient } from '../api-client';
import { defaultCoapUrl, defaultMqttUrl } from '../config';
import { CliError } from '../errors';
import { EXIT } from '../exit-codes';
import { plural } from '../format';
import type { CliIo } from '../output';
import { createProgress, type Progress } from '../progress';
import type { FleetHandle, SimCredentials, SimRuntime } from './fleet';
import { provisionDevices, type ProvisionResult } from './provision';
import { deviceCounts, formatStatusLine, type SimSummary } from './report';
import { stopOnSignals, waitForStop, type SignalSource } from './signals';
import { DeviceStore } from './state';

export interface SimOptions {
  count: number;
  vm: VmKind;
  board: string;
  /** Seconds; run until a signal when absent. */
  duration?: number;
  /** Telemetry interval per device in ms; the device default when absent. */
  interval?: number;
  stateDir: string;
  /** How the devices reach the gateway; MQTT when absent. */
  transport?: 'mqtt' | 'coap';
  mqttUrl?: string;
  coapUrl?: string;
  tag?: string[];
  prefix: string;
  /** Skip devices online from another process and take the next free ids (SimSpec). */
  newIds?: boolean;
  /** Seconds between status lines. */
  statusEvery: number;
  json: boolean;
}

export interface SimContext {
  io: CliIo;
  client: ApiClient;
  runtime: SimRuntime;
  signals: SignalSource;
  now: () => number;
}

/** Provision, connect, run until --duration or a signal, stop cleanly, and sum it up. */
export async function runSim(ctx: SimContext, opts: SimOptions): Promise<SimSummary> {
  await ctx.runtime.checkBoard(opts.board);
  const target = await gatewayTarget(ctx.client, opts);
  const store = await DeviceStore.open(opts.stateDir, ctx.io.cwd);
  const progress = createProgress(ctx.io, opts.json);
  const stop = stopOnSignals(ctx.signals);
  try {
    const provisioned = await provision(ctx, store, opts, progress, stop.signal);
    const fleet = await connect(ctx, target, provisioned.devices, opts, progress, stop.signal);
    progress.stop();
    report(
      ctx,
      opts,
      `${plural(fleet.stats().total, 'device')} running against ${target.url}; Ctrl-C stops`,
    );
    const run = await superviseThenStop(ctx, fleet, opts, stop.signal);
    const { board, vm } = opts;
    const devices = deviceCounts(provisioned);
    return {
      gateway: ctx.client.baseUrl,
      transport: target.transport,
      ...(target.transport === 'coap' ? { coapUrl: target.url } : { mqttUrl: target.url }),
      stateFile: store.path,
      board,
      vm,
      devices,
      ...run,
    };
  } finally {
    progress.stop();
    stop.dispose();
  }
}

interface GatewayTarget {
  transport: 'mqtt' | 'coap';
  url: string;
}

/** Where the devices connect: the flag's URL, or one derived from the gateway's. */
async function gatewayTarget(client: ApiClient, opts: SimOptions): Promise<GatewayTarget> {
  if (opts.transport === 'coap') {
    if (opts.coapUrl) return { transport: 'coap', url: opts.coapUrl };
    const health = await client.health();
    return { transport: 'coap', url: defaultCoapUrl(client.baseUrl, health.coap?.port) };
  }
  if (opts.mqttUrl) return { transport: 'mqtt', url: opts.mqttUrl };
  const health = await client.health();
  return { transport: 'mqtt', url: defaultMqttUrl(client.baseUrl, health.mqtt.port) };
}

async function provision(
  ctx: SimContext,
  store: DeviceStore,
  opts: SimOptions,
  progress: Progress,
  signal: AbortSignal,
): Promise<ProvisionResult> {
  const spec = { ...opts, tags: opts.tag ?? [] };
  progress.start('Provisioning', opts.count);
  const onProgress = (done: number, total: number): void => progress.update(done, total);
  const result = await provisionDevices(ctx.client, store, spec, { signal, onProgress });
  if (signal.aborted) {
    progress.stop();
    throw new CliError(
      `interrupted: ${result.devices.length}/${opts.count} devices provisioned and saved in ` +
        `${store.path}; run the same command again to continue`,
      EXIT.interrupted,
    );
  }
  return result;
}

async function connect(
  ctx: SimContext,
  target: GatewayTarget,
  devices: SimCredentials[],
  opts: SimOptions,
  progress: Progress,
  signal: AbortSignal,
): Promise<FleetHandle> {
  progress.start('Connecting', devices.length);
  try {
    return await ctx.runtime.startFleet({
      transport: target.transport,
      ...(target.transport === 'coap' ? { coapUrl: target.url } : { mqttUrl: target.url }),
      devices,
      telemetryIntervalMs: opts.interval,
      onProgress: (connected, total) => progress.update(connected, total),
      // Ctrl-C while devices are still connecting (e.g. the gateway is down) stops them.
      signal,
    });
  } catch (err) {
    progress.stop();
    const reason = err instanceof Error ? err.message : String(err);
    throw new CliError(`connecting the fleet to ${target.url} failed: ${reason}`);
  }
}

/** Status lines go to stderr under --json, so stdout carries the summary document alone. */
function report(ctx: SimContext, opts: SimOptions, line: string): void {
  if (opts.json) ctx.io.stderr(`${line}\n`);
  else ctx.io.stdout(`${line}\n`);
}

async function superviseThenStop(
  ctx: SimContext,
  fleet: FleetHandle,
  opts: SimOptions,
  signal: AbortSignal,
): Promise<Pick<SimSummary, 'stoppedBy' | 'durationMs' | 'stats'>> {
  const started = ctx.now();
  let previousSent = fleet.stats().telemetrySent;
  const timer = setInterval(() => {
    const stats = fleet.stats();
    report(ctx, opts, formatStatusLine(stats, ctx.now() - started, previousSent));
    previousSent = stats.telemetrySent;
  }, opts.statusEvery * 1000);
  try {
    const durationMs = opts.duration === undefined ? undefined : opts.duration * 1000;
    const stoppedBy = await waitForStop(signal, durationMs);
    if (stoppedBy === 'signal')
      report(ctx, opts, 'stopping the fleet (Ctrl-C again to quit at once)');
    return { stoppedBy, durationMs: ctx.now() - started, stats: fleet.stats() };
  } finally {
    clearInterval(timer);
    await fleet.stop();
  }
}
