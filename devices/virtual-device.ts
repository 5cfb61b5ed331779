import { createPublicKey, type KeyObject } from 'node:crypto';
import { EventEmitter } from 'node:events';
import {
  Command,
  deviceIdSchema,
  Encoding,
  ErrorMessage,
  HelloMessage,
  helloSchema,
  OtaUp,
  VmKind,
} from '../src/protocol';
import { BoardProfile, getBoard } from './boards';
import type { BackoffPolicy } from './link/backoff';
import { CoapLink } from './link/coap-link';
import { MqttLink } from './link/mqtt-link';
import type { DeviceTransport, ReconnectPlan } from './link/transport';
import { deriveSeed, mulberry32, Random } from './prng';
import { MonotonicClock, monotonicNow, sampleTelemetry } from './resources';
import { AppSlots } from './runtime/app-slots';
import { guestMemoryBytes } from './runtime/local-run';
import { OtaAgent } from './runtime/ota-agent';
import type { EngineCreator } from './runtime/monitor-types';
import { ThingMonitor } from './runtime/thing-monitor';

/** What the gateway issued for one device (POST /api/devices or /api/enroll). */
export interface DeviceCredentials {
  id: string;
  token: string;
  board: string;
  vm: VmKind;
  /** Base64 of the gateway's raw Ed25519 public key: OTA offers must be signed with it. */
  signingKey?: string;
}

export type TransportKind = 'mqtt' | 'coap';

export interface VirtualDeviceOptions {
  credentials: DeviceCredentials;
  /** Default 'mqtt'. */
  transport?: TransportKind;
  /** mqtt://host:port or ws://host:port/mqtt; required on MQTT. */
  mqttUrl?: string;
  /** coap://host:port; required on CoAP. */
  coapUrl?: string;
  /** Default 10 s. */
  telemetryIntervalMs?: number;
  /** Seeds telemetry jitter and reconnect jitter; mixed with the device id. Default 1. */
  seed?: number;
  encoding?: Encoding;
  log?: (message: string) => void;
  /** Reconnect timing; default 500 ms doubling to 30 s, up to half of it taken as jitter. */
  backoff?: BackoffPolicy;
  clock?: MonotonicClock;
  /** Instruction budgets of the guest's main and of each event handler (ThingMonitor defaults otherwise). */
  vmBudgets?: { main?: number; handler?: number };
  /** How long an OTA fetch waits for its chunk before asking again; default 5 s. */
  otaFetchRetryMs?: number;
  /** Pause between OTA chunks (a device throttling its update); default 0. */
  otaPaceMs?: number;
  /** Makes the VM's engines; default the runtime's (a firmware built without an engine differs). */
  createEngine?: EngineCreator;
}

export interface VirtualDeviceStats {
  connected: boolean;
  /** Successful connects after the first one. */
  reconnects: number;
  telemetrySent: number;
  errorsReceived: number;
  uptimeMs: number;
}

export interface VirtualDeviceEvents {
  connect: [{ reconnect: boolean }];
  disconnect: [{ cause: string | null }];
  reconnecting: [ReconnectPlan];
  'gateway-error': [ErrorMessage];
}

export const SIM_VM_VERSION = 'vmfleet-sim/0.1';
export const SIM_FIRMWARE = 'riot-2025.10-sim';
export const DEFAULT_TELEMETRY_INTERVAL_MS = 10_000;
const MAX_GUEST_LINE = 1024;
/** Largest Block2 block (RFC 7959 §2.2): an OTA chunk over CoAP is one block. */
const COAP_MAX_CHUNK_BYTES = 1024;

/**
 * One simulated RIOT device: a board profile, a VM behind a Thing Monitor and a link to
 * the gateway. It says hello on every connect, reports resource telemetry while
 * connected, answers every monitor `cmd` with one `reply`, and sends the VM's `event`s.
 */
export class VirtualDevice extends EventEmitter<VirtualDeviceEvents> {
  readonly id: string;
  readonly board: BoardProfile;
  private readonly link: DeviceTransport;
  private readonly monitor: ThingMonitor;
  private readonly ota: OtaAgent;
  /** The two app slots in flash (null without a gateway key: updates are refused). */
  readonly slots: AppSlots | null;
  /** Guest output not yet logged: the log gets whole lines. */
  private guestLine = '';
  private readonly telemetryRandom: Random;
  private readonly clock: MonotonicClock;
  private readonly intervalMs: number;
  private readonly bootedAt: number;
  private telemetryTimer: NodeJS.Timeout | undefined;
  private ramPeakBytes = 0;
  private counters = { reconnects: 0, telemetrySent: 0, errorsReceived: 0 };

  constructor(private readonly options: VirtualDeviceOptions) {
    super();
    const { credentials } = options;
    // Fail here, not in the gateway's error answer: a bad id or board is a caller's mistake.
    this.id = parseDeviceId(credentials.id);
    this.board = getBoard(credentials.board);
    this.intervalMs = options.telemetryIntervalMs ?? DEFAULT_TELEMETRY_INTERVAL_MS;
    this.clock = options.clock ?? monotonicNow;
    this.bootedAt = this.clock();
    const seed = deriveSeed(options.seed ?? 1, this.id);
    this.telemetryRandom = mulberry32(seed);
    assertValidHello(this.id, this.hello());
    this.monitor = new ThingMonitor({
      board: this.board,
      vm: credentials.vm,
      seed,
      onEvent: (event) => void this.publishUplink('event', event),
      onPrint: options.log ? (text) => this.logGuestOutput(text) : undefined,
      mainBudget: options.vmBudgets?.main,
      handlerBudget: options.vmBudgets?.handler,
      createEngine: options.createEngine,
    });
    this.slots = credentials.signingKey
      ? new AppSlots(gatewayKey(credentials.signingKey), credentials.vm, appSlotBytes(this.board))
      : null;
    this.ota = new OtaAgent({
      slots: this.slots,
      monitor: this.monitor,
      maxChunkBytes: this.maxChunkBytes(),
      send: (message) => this.publishOta(message),
      fetchRetryMs: options.otaFetchRetryMs,
      paceMs: options.otaPaceMs,
      log: options.log ? (line) => options.log?.(`[${this.id}] ${line}`) : undefined,
    });
    this.link = this.createLink(mulberry32(seed ^ 0x9e3779b9));
    this.wireLink();
  }

  /**
   * Resolves once connected and announced; rejects if the gateway refuses the token. A
   * script VM's runtime (Lua, QuickJS…) is loaded first, so OTA swaps stay synchronous.
   */
  async start(): Promise<void> {
    await this.monitor.prepare();
    return this.link.start();
  }

  /** Stops the guest and telemetry, and leaves with a retained offline status. */
  async stop(): Promise<void> {
    this.monitor.shutdown();
    this.ota.stop();
    this.stopTelemetry();
    await this.link.stop();
  }

  /** Simulates a network loss: the device reconnects by itself. */
  dropConnection(): void {
    this.link.dropConnection();
  }

  /** Bytes on the device's sockets so far (MQTT packets or CoAP datagrams, whole), both ways. */
  wireBytes(): { read: number; written: number } {
    return this.link.wireBytes();
  }

  /** What the Thing Monitor reports: state, app, console… */
  vmStatus() {
    return this.monitor.status();
  }

  stats(): VirtualDeviceStats {
    return {
      connected: this.link.connected,
      ...this.counters,
      uptimeMs: this.uptimeMs(),
    };
  }

  /** The birth message: what the gateway needs to plan deployments for this device. */
  hello(): HelloMessage {
    const { board } = this;
    return {
      board: board.name,
      vm: { kind: this.options.credentials.vm, version: SIM_VM_VERSION },
      firmware: SIM_FIRMWARE,
      limits: {
        ramBytes: board.ramBytes,
        flashBytes: board.flashBytes,
        clockHz: board.clockHz,
        maxChunkBytes: this.maxChunkBytes(),
        appRamBytes: guestMemoryBytes(board),
        appFlashBytes: appSlotBytes(board),
      },
      // Undefined while the constructor checks the hello, and without a gateway key.
      ...(this.slots ? { slots: this.slots.report() } : {}),
    };
  }

  private createLink(random: Random): DeviceTransport {
    const { options } = this;
    const common = {
      deviceId: this.id,
      token: options.credentials.token,
      encoding: options.encoding,
      hello: () => this.hello(),
      backoff: options.backoff,
      random,
      log: options.log,
    };
    const transport = options.transport ?? 'mqtt';
    switch (transport) {
      case 'mqtt':
        return new MqttLink({
          ...common,
          mqttUrl: requiredUrl(this.id, 'mqttUrl', options.mqttUrl),
        });
      case 'coap':
        return new CoapLink({
          ...common,
          coapUrl: requiredUrl(this.id, 'coapUrl', options.coapUrl),
        });
    }
  }

  /** Over CoAP a chunk is one Block2 block, so at most 1024 bytes. */
  private maxChunkBytes(): number {
    const { maxChunkBytes } = this.board;
    return this.options.transport === 'coap'
      ? Math.min(maxChunkBytes, COAP_MAX_CHUNK_BYTES)
      : maxChunkBytes;
  }

  private wireLink(): void {
    this.link.on('connect', (info) => {
      if (info.reconnect) this.counters.reconnects++;
      this.startTelemetry();
      this.emit('connect', info);
    });
    this.link.on('disconnect', (info) => {
      this.stopTelemetry();
      this.emit('disconnect', info);
    });
    this.link.on('reconnecting', (plan) => this.emit('reconnecting', plan));
    this.link.on('downlink', (message) => {
      switch (message.channel) {
        case 'error':
          this.counters.errorsReceived++;
          this.options.log?.(
            `[${this.id}] gateway error ${message.body.code}: ${message.body.message}`,
          );
          this.emit('gateway-error', message.body);
          break;
        case 'cmd':
          void this.answer(message.body);
          break;
        case 'update':
          this.ota.handle(message.body);
          break;
      }
    });
  }

  // A first sample right after hello gives the gateway a current reading at once.
  private startTelemetry(): void {
    this.stopTelemetry();
    void this.sendTelemetry();
    this.telemetryTimer = setInterval(() => void this.sendTelemetry(), this.intervalMs);
  }

  private stopTelemetry(): void {
    clearInterval(this.telemetryTimer);
    this.telemetryTimer = undefined;
  }

  private async sendTelemetry(): Promise<void> {
    const sample = sampleTelemetry(
      {
        board: this.board,
        uptimeMs: this.uptimeMs(),
        previousPeakBytes: this.ramPeakBytes,
        random: this.telemetryRandom,
      },
      this.monitor.telemetryState(),
    );
    this.ramPeakBytes = sample.ram.peak;
    sample.actuators = this.monitor.hal.actuators();
    try {
      // QoS 0 [MQTT-4.3.1]: a lost sample is replaced by the next one.
      await this.link.publish('telemetry', sample, 0);
      this.counters.telemetrySent++;
    } catch (error) {
      this.options.log?.(`[${this.id}] telemetry not sent: ${(error as Error).message}`);
    }
  }

  /** Exactly one reply per command, with its id (QoS 1: the gateway is waiting for it). */
  private async answer(cmd: Command): Promise<void> {
    const reply = await this.monitor.handle(cmd);
    await this.publishUplink('reply', reply);
  }

  /** QoS 1: guest messages and replies are worth a retransmission, unlike a telemetry sample. */
  private async publishUplink(channel: 'event' | 'reply', body: object): Promise<void> {
    try {
      await this.link.publish(channel, body, 1);
    } catch (error) {
      this.options.log?.(`[${this.id}] ${channel} not sent: ${(error as Error).message}`);
    }
  }

  /**
   * A fetch goes at QoS 0: the agent asks again when its chunk does not come, so a
   * retransmission would only duplicate it. Reports are state changes: QoS 1.
   */
  private async publishOta(message: OtaUp): Promise<void> {
    // A report says what the slots hold after its step (docs/protocol.md §10.1).
    const body =
      message.kind === 'report' && this.slots
        ? { ...message, slots: this.slots.report() }
        : message;
    try {
      await this.link.publish('ota', body, message.kind === 'fetch' ? 0 : 1);
    } catch (error) {
      this.options.log?.(`[${this.id}] ota ${message.kind} not sent: ${(error as Error).message}`);
    }
  }

  private logGuestOutput(text: string): void {
    const lines = (this.guestLine + text).split('\n');
    // A guest that never prints a newline is still logged, a console line at a time.
    const rest = lines.pop() ?? '';
    if (rest.length >= MAX_GUEST_LINE) lines.push(rest);
    this.guestLine = rest.length >= MAX_GUEST_LINE ? '' : rest;
    for (const line of lines) this.options.log?.(`[${this.id}] guest: ${line}`);
  }

  private uptimeMs(): number {
    return Math.floor(this.clock() - this.bootedAt);
  }
}

/** The gateway's Ed25519 public key from its raw 32 bytes (base64), as provisioning hands it out. */
function gatewayKey(rawBase64: string): KeyObject {
  const x = Buffer.from(rawBase64, 'base64').toString('base64url');
  return createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x }, format: 'jwk' });
}

/** Flash left for apps after the OS, halved: an update goes into the slot that is not running. */
function appSlotBytes(board: BoardProfile): number {
  return Math.floor((board.flashBytes - board.osFlashBytes) / 2);
}

function requiredUrl(id: string, name: 'mqttUrl' | 'coapUrl', url: string | undefined): string {
  if (url) return url;
  throw new Error(`device "${id}" needs ${name} for its transport`);
}

function assertValidHello(id: string, hello: HelloMessage): void {
  const parsed = helloSchema.safeParse(hello);
  if (parsed.success) return;
  const [issue] = parsed.error.issues;
  throw new Error(`device "${id}" cannot say hello: ${issue.path.join('.')}: ${issue.message}`);
}

function parseDeviceId(id: string): string {
  const parsed = deviceIdSchema.safeParse(id);
  if (parsed.success) return parsed.data;
  throw new Error(`invalid device id "${id}": ${parsed.error.issues[0].message}`);
}
