export { BOARD_NAMES, BOARDS, getBoard, isBoardName, SENSOR_KINDS } from './boards';
export type { BoardName, BoardProfile, SensorKind } from './boards';
export { DEFAULT_FLEET_CONCURRENCY, Fleet, FleetStartAbortedError, FleetStartError } from './fleet';
export type { DeviceStartFailure, FleetOptions, FleetStats } from './fleet';
export { backoffDelayMs, DEFAULT_BACKOFF } from './link/backoff';
export type { BackoffPolicy } from './link/backoff';
export { CoapLink } from './link/coap-link';
export type { CoapLinkOptions } from './link/coap-link';
export type { CoapTimings } from './link/coap-endpoint';
export { CoapResponseError } from './link/coap-session';
export type { DownlinkMessage } from './link/downlink';
export { AuthRefusedError, LinkStoppedError } from './link/link-errors';
export { MqttLink } from './link/mqtt-link';
export type { MqttLinkOptions } from './link/mqtt-link';
export type { DeviceTransport, ReconnectPlan, TransportEvents } from './link/transport';
export { deriveSeed, mulberry32 } from './prng';
export type { Random } from './prng';
export { sampleIdleTelemetry, sampleTelemetry } from './resources';
export type { VmSample } from './resources';
export { MonitorError } from './runtime/monitor-errors';
export type { MonitorErrorCode } from './runtime/monitor-errors';
export { RAW_EVENT_BUTTON, ThingMonitor } from './runtime/thing-monitor';
export type {
  MonitorStatus,
  StepResult,
  ThingMonitorOptions,
  VmTelemetry,
} from './runtime/thing-monitor';
export {
  DEFAULT_TELEMETRY_INTERVAL_MS,
  SIM_FIRMWARE,
  SIM_VM_VERSION,
  VirtualDevice,
} from './virtual-device';
export type {
  DeviceCredentials,
  TransportKind,
  VirtualDeviceEvents,
  VirtualDeviceOptions,
  VirtualDeviceStats,
} from './virtual-device';
