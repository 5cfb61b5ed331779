import {
  ACTUATOR_TYPES as ABI_ACTUATOR_TYPES,
  idsOf,
  SENSOR_TYPES as ABI_SENSOR_TYPES,
} from '../../src/protocol/guest-abi';
import type { BoardProfile, SensorKind } from '../boards';
import { deriveSeed, mulberry32 } from '../prng';

/** Sensor and actuator type numbers of the guest ABI (src/protocol/guest-abi.ts). */
export const SENSOR_TYPES: Record<SensorKind, number> = idsOf(ABI_SENSOR_TYPES);
export const ACTUATOR_TYPES = idsOf(ABI_ACTUATOR_TYPES);
export type ActuatorKind = keyof typeof ACTUATOR_TYPES;

const ACTUATOR_COUNT: Record<ActuatorKind, number> = { led: 4, gpio: 8 };
/** How long a button reads as pressed after a press, in ms. */
const PRESS_MS = 200;
/** Readings are stable within a window, as a real ADC sampled at 10 Hz would be. */
const NOISE_WINDOW_MS = 100;

export interface ActuatorState {
  led: number[];
  gpio: number[];
}

/**
 * The board's simulated hardware. Every reading is a pure function of (seed, sensor,
 * index, time), in the milli-units of the guest ABI, so runs are reproducible.
 */
export class SimulatedHal {
  private readonly kinds: Map<number, SensorKind>;
  private readonly state: ActuatorState = {
    led: new Array<number>(ACTUATOR_COUNT.led).fill(0),
    gpio: new Array<number>(ACTUATOR_COUNT.gpio).fill(0),
  };
  private lastPressAt = -Infinity;

  constructor(
    readonly board: BoardProfile,
    private readonly seed: number,
  ) {
    this.kinds = new Map(board.sensors.map((k) => [SENSOR_TYPES[k], k]));
  }

  /** How many sensors of a type the board has (accelerometer: its 3 axes). */
  probe(type: number): number {
    const kind = this.kinds.get(type);
    if (!kind) return 0;
    return kind === 'accelerometer' ? 3 : 1;
  }

  /** A reading at device time `nowMs`, or null when there is no such sensor. */
  read(type: number, index: number, nowMs: number): number | null {
    const kind = this.kinds.get(type);
    if (!kind || index < 0 || index >= this.probe(type)) return null;
    const noise = this.noise(type, index, nowMs);
    return Math.round(signal(kind, index, nowMs, noise, nowMs - this.lastPressAt < PRESS_MS));
  }

  /** Sets an actuator; false when the board has no such actuator. */
  write(type: number, index: number, value: number): boolean {
    const kind = (Object.keys(ACTUATOR_TYPES) as ActuatorKind[]).find(
      (k) => ACTUATOR_TYPES[k] === type,
    );
    if (!kind || index < 0 || index >= ACTUATOR_COUNT[kind]) return false;
    this.state[kind][index] = value | 0;
    return true;
  }

  /** The button reads pressed for a moment (the raw event goes through the Event Handler). */
  pressButton(nowMs: number): void {
    this.lastPressAt = nowMs;
  }

  actuators(): ActuatorState {
    return { led: [...this.state.led], gpio: [...this.state.gpio] };
  }

  private noise(type: number, index: number, nowMs: number): number {
    const window = Math.floor(nowMs / NOISE_WINDOW_MS);
    return mulberry32(deriveSeed(this.seed, `${type}:${index}:${window}`))() * 2 - 1;
  }
}

/** Slow, plausible signals: a warm-cool cycle, humidity against it, a day of light, a walker. */
function signal(
  kind: SensorKind,
  index: number,
  t: number,
  noise: number,
  pressed: boolean,
): number {
  const wave = (periodMs: number) => Math.sin((2 * Math.PI * t) / periodMs);
  switch (kind) {
    case 'temperature':
      return 22_000 + 4_000 * wave(120_000) + 150 * noise; // m°C: 18–26 °C over two minutes
    case 'humidity':
      return 45_000 - 8_000 * wave(120_000) + 300 * noise; // m%RH
    case 'light':
      return Math.max(0, 300_000 + 280_000 * wave(300_000) + 5_000 * noise); // milli-lux
    case 'distance': {
      const phase = (t % 30_000) / 30_000; // mm: someone walks up to 100 mm and away
      return 100 + 2_800 * Math.abs(2 * phase - 1) + 20 * noise;
    }
    case 'button':
      return pressed ? 1000 : 0;
    case 'accelerometer':
      return (index === 2 ? 1000 : 0) + 40 * noise; // mg: at rest, gravity on z
  }
}
