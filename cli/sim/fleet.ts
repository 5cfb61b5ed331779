import type { DeviceCredentials, FleetOptions, FleetStats } from '../../devices';

/**
 * What `vmfleet sim` needs from the device side, as structural types so the command can
 * be tested with a stand-in fleet. Type-only imports: devices/ loads at run time only.
 */
export type SimCredentials = DeviceCredentials;
export type { FleetStats };

export interface FleetHandle {
  stop(): Promise<void>;
  stats(): FleetStats;
}

export type FleetStartOptions = Pick<
  FleetOptions,
  'transport' | 'mqttUrl' | 'coapUrl' | 'devices' | 'telemetryIntervalMs' | 'onProgress' | 'signal'
>;

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
