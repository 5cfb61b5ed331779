import { BOARDS } from '../boards';
import { ACTUATOR_TYPES, SENSOR_TYPES, SimulatedHal } from './hal';

describe('SimulatedHal', () => {
  const esp32 = () => new SimulatedHal(BOARDS.esp32, 7);

  it('probes only the sensors the board has', () => {
    const hal = new SimulatedHal(BOARDS.atmega328, 1);
    expect(hal.probe(SENSOR_TYPES.temperature)).toBe(1);
    expect(hal.probe(SENSOR_TYPES.humidity)).toBe(0);
    expect(hal.read(SENSOR_TYPES.humidity, 0, 0)).toBeNull();
    expect(hal.read(SENSOR_TYPES.temperature, 1, 0)).toBeNull();
    expect(new SimulatedHal(BOARDS.native, 1).probe(SENSOR_TYPES.accelerometer)).toBe(3);
  });

  it('is reproducible for a seed and differs between seeds', () => {
    const at = [0, 150, 5_000, 61_000];
    const read = (hal: SimulatedHal) => at.map((t) => hal.read(SENSOR_TYPES.temperature, 0, t));
    expect(read(esp32())).toEqual(read(esp32()));
    expect(read(new SimulatedHal(BOARDS.esp32, 8))).not.toEqual(read(esp32()));
  });

  it.each([
    ['temperature', 17_500, 26_500],
    ['humidity', 36_000, 54_000],
    ['light', 0, 600_000],
    ['distance', 50, 2_950],
  ] as const)('keeps %s within its plausible range', (kind, min, max) => {
    const hal = new SimulatedHal(BOARDS.native, 3);
    for (let t = 0; t < 300_000; t += 997) {
      const v = hal.read(SENSOR_TYPES[kind], 0, t)!;
      expect(v).toBeGreaterThanOrEqual(min);
      expect(v).toBeLessThanOrEqual(max);
    }
  });

  it('crosses the thresholds the demo apps watch (distance < 200 mm, temperature > 25 °C)', () => {
    const hal = new SimulatedHal(BOARDS.native, 3);
    const times = Array.from({ length: 1200 }, (_, i) => i * 100);
    expect(times.some((t) => hal.read(SENSOR_TYPES.distance, 0, t)! < 200)).toBe(true);
    expect(times.some((t) => hal.read(SENSOR_TYPES.temperature, 0, t)! > 25_000)).toBe(true);
  });

  it('reads the button pressed for a moment after a press', () => {
    const hal = esp32();
    expect(hal.read(SENSOR_TYPES.button, 0, 1000)).toBe(0);
    hal.pressButton(1000);
    expect(hal.read(SENSOR_TYPES.button, 0, 1100)).toBe(1000);
    expect(hal.read(SENSOR_TYPES.button, 0, 1300)).toBe(0);
  });

  it('keeps actuator state and refuses unknown actuators', () => {
    const hal = esp32();
    expect(hal.write(ACTUATOR_TYPES.led, 0, 1)).toBe(true);
    expect(hal.write(ACTUATOR_TYPES.gpio, 7, 1)).toBe(true);
    expect(hal.write(ACTUATOR_TYPES.gpio, 8, 1)).toBe(false);
    expect(hal.write(9, 0, 1)).toBe(false);
    expect(hal.actuators()).toEqual({ led: [1, 0, 0, 0], gpio: [0, 0, 0, 0, 0, 0, 0, 1] });
  });
});
