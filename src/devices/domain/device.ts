import type { AppSlotsReport, HelloMessage, VmKind } from '../../protocol';

/** The last sample a device reported, kept on the device for the fleet view. */
export interface LatestSample {
  at: number;
  uptimeMs: number;
  ramUsed: number;
  ramPeak: number;
  ramTotal: number;
  flashUsed: number;
  flashTotal: number;
  cpuLoad: number;
  vmState: string;
  instructions: number;
  app: { id: string; version: string } | null;
  actuators?: { led: number[]; gpio: number[] } | null;
}

export interface Device {
  id: string;
  board: string;
  vm: { kind: VmKind; version: string | null };
  tags: string[];
  online: boolean;
  firmware: string | null;
  limits: HelloMessage['limits'] | null;
  lastSeenAt: number | null;
  connectedAt: number | null;
  createdAt: number;
  latest: LatestSample | null;
  /** When its token was last rotated, null if never. */
  tokenRotatedAt: number | null;
  /** When it was revoked (no token accepted), null while it may connect. */
  revokedAt: number | null;
  /** What it is connected over while online (`mqtt`, `mqtt-ws`, `coap`); null offline. */
  transport: string | null;
  /** The gateway instance holding its connection; null offline or behind an external broker. */
  instance: string | null;
  /** Both app slots as its last hello or OTA report said (docs/protocol.md §5.2); null: never said. */
  slots: AppSlotsReport | null;
  /** When they were reported. */
  slotsAt: number | null;
}

/** Who holds a device's connection, as recorded on its row. */
export interface DeviceHolder {
  transport: string;
  instance: string | null;
}

/** What a login is checked against: the token hashes a device accepts now. */
export interface DeviceCredentials {
  tokenHash: string;
  previousTokenHash: string | null;
  previousTokenUntil: number | null;
  revokedAt: number | null;
}

/** Devices by id, or every device with a tag. */
export type DeviceTarget = { devices: string[] } | { tag: string };

export interface DeviceFilter {
  tag?: string;
  vm?: VmKind;
  online?: boolean;
  transport?: string;
}
