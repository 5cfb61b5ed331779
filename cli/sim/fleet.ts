import type { VmKind } from '../../src/protocol';

/**
 * What `vmfleet sim` needs from the device side (CONTRACT.md, devices/ public API), as
 * structural types so the command can be tested with a stand-in fleet.
 */
export interface SimCredentials {
  id: string;
  token: string;
  board: string;
  vm: VmKind;
}

export interface FleetStats {
  total: number;
  connected: number;
  telemetrySent: number;
  errorsReceived: number;
  reconnects: number;
}

export interface FleetHandle {
  stop(): Promise<void>;
  stats(): FleetStats;
}

export interface FleetStartOptions {
  mqttUrl: string;
  devices: SimCredentials[];
  telemetryIntervalMs?: number;
  onProgress?: (connected: number, total: number) => void;
}

export interface SimRuntime {
  /** Throws naming the known boards when `name` has no profile. */
  checkBoard(name: string): Promise<void>;
  startFleet(options: FleetStartOptions): Promise<FleetHandle>;
}

// Loaded on demand: devices/ pulls in mqtt and the VM engines, which no other command needs.
export const deviceRuntime: SimRuntime = {
  async checkBoard(name) {
    const { getBoard } = await import('../../devices');
    getBoard(name);
  },
  async startFleet(options) {
    const { Fleet } = await import('../../devices');
    return Fleet.start(options);
  },
};
