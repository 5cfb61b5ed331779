import type { EventMessage } from '../../protocol';

/** An event as stored and served: the device's message plus where and when. */
export type DeviceEvent = { id: number; deviceId: string; ts: number } & EventMessage;

export interface EventQuery {
  since?: number;
  limit: number;
  kind?: EventMessage['kind'];
}
