/** Sensors a simulated board can carry; the HAL exposes them to guest apps by these names. */
export const SENSOR_KINDS = [
  'temperature',
  'humidity',
  'light',
  'distance',
  'button',
  'accelerometer',
] as const;
export type SensorKind = (typeof SENSOR_KINDS)[number];

/**
 * What a virtual device knows about its hardware. `osRamBytes`/`osFlashBytes` is what the
 * RIOT kernel, the network stack and the VM runtime take before any guest app is loaded;
 * the rest is what a guest may use.
 */
export interface BoardProfile {
  name: string;
  mcu: string;
  clockHz: number;
  ramBytes: number;
  flashBytes: number;
  osRamBytes: number;
  osFlashBytes: number;
  /** Largest downlink chunk (OTA block, command) the board can buffer at once. */
  maxChunkBytes: number;
  /** Flash erase page: an app occupies whole pages. */
  flashPageBytes: number;
  sensors: SensorKind[];
}

export type BoardName = 'nrf52840' | 'atmega328' | 'esp32' | 'native';

const KiB = 1024;
const MiB = 1024 * KiB;
const MHz = 1_000_000;

// OS figures are in the range RIOT reports for these boards with a minimal network stack
// (GNRC/lwIP) and one VM runtime linked in; the atmega328 leaves ~800 bytes for a guest,
// which is why only the smallest VMs fit there at all.
export const BOARDS: Record<BoardName, BoardProfile> = {
  nrf52840: {
    name: 'nrf52840',
    mcu: 'Cortex-M4F',
    clockHz: 64 * MHz,
    ramBytes: 256 * KiB,
    flashBytes: 1 * MiB,
    osRamBytes: 28 * KiB,
    osFlashBytes: 112 * KiB,
    maxChunkBytes: 1024,
    flashPageBytes: 4096,
    sensors: ['temperature', 'light', 'button', 'accelerometer'],
  },
  atmega328: {
    name: 'atmega328',
    mcu: 'AVR ATmega328P',
    clockHz: 16 * MHz,
    ramBytes: 2 * KiB,
    flashBytes: 32 * KiB,
    osRamBytes: 1229,
    osFlashBytes: 20 * KiB,
    maxChunkBytes: 64,
    flashPageBytes: 128,
    sensors: ['temperature', 'distance', 'button'],
  },
  esp32: {
    name: 'esp32',
    mcu: 'Xtensa LX6',
    clockHz: 240 * MHz,
    ramBytes: 520 * KiB,
    flashBytes: 4 * MiB,
    // The Wi-Fi driver and its blobs dominate both figures on the ESP32.
    osRamBytes: 96 * KiB,
    osFlashBytes: 576 * KiB,
    maxChunkBytes: 4096,
    flashPageBytes: 4096,
    sensors: ['temperature', 'humidity', 'light', 'distance', 'button'],
  },
  native: {
    name: 'native',
    mcu: 'RIOT native (host process)',
    clockHz: 100 * MHz,
    ramBytes: 1 * MiB,
    flashBytes: 8 * MiB,
    osRamBytes: 64 * KiB,
    osFlashBytes: 256 * KiB,
    maxChunkBytes: 4096,
    flashPageBytes: 4096,
    sensors: [...SENSOR_KINDS],
  },
};

export const BOARD_NAMES = Object.keys(BOARDS) as BoardName[];

export function isBoardName(name: string): name is BoardName {
  // Own keys only: `constructor` or `toString` are not boards.
  return Object.prototype.hasOwnProperty.call(BOARDS, name);
}

/** The profile of a known board; throws naming the boards there are. */
export function getBoard(name: string): BoardProfile {
  if (!isBoardName(name)) {
    throw new Error(`unknown board "${name}"; known boards: ${BOARD_NAMES.join(', ')}`);
  }
  return BOARDS[name];
}
