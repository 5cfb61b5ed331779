import { InitialSchema1763700000000 } from './1763700000000-initial-schema';
import { DeviceEvents1763800000000 } from './1763800000000-device-events';
import { Apps1763900000000 } from './1763900000000-apps';
import { Deployments1764000000000 } from './1764000000000-deployments';
import { Benchmarks1764100000000 } from './1764100000000-benchmarks';
import { OsTelemetry1764200000000 } from './1764200000000-os-telemetry';
import { Footprints1764300000000 } from './1764300000000-footprints';
import { TelemetryDedupe1764400000000 } from './1764400000000-telemetry-dedupe';
import { DeviceTokenRotation1764410000000 } from './1764410000000-device-token-rotation';
import { ApiTokens1764500000000 } from './1764500000000-api-tokens';
import { Alerts1764510000000 } from './1764510000000-alerts';
import { Leases1764520000000 } from './1764520000000-leases';
import { DeviceSlots1764700000000 } from './1764700000000-device-slots';
import { DeviceTransport1764710000000 } from './1764710000000-device-transport';

/** Every migration, in order. Listed explicitly so ts-jest and the built gateway load the same set. */
export const migrations = [
  InitialSchema1763700000000,
  DeviceEvents1763800000000,
  Apps1763900000000,
  Deployments1764000000000,
  Benchmarks1764100000000,
  OsTelemetry1764200000000,
  Footprints1764300000000,
  TelemetryDedupe1764400000000,
  DeviceTokenRotation1764410000000,
  ApiTokens1764500000000,
  Alerts1764510000000,
  Leases1764520000000,
  DeviceSlots1764700000000,
  DeviceTransport1764710000000,
];
