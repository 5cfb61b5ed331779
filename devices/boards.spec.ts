import { boardSchema, helloSchema } from '../src/protocol';
import { BOARD_NAMES, BOARDS, getBoard, SENSOR_KINDS } from './boards';

const KiB = 1024;
const MiB = 1024 * KiB;

describe('board profiles', () => {
  it.each([
    ['nrf52840', 'Cortex-M4F', 64e6, 256 * KiB, 1 * MiB, 1024],
    ['atmega328', 'AVR ATmega328P', 16e6, 2 * KiB, 32 * KiB, 64],
    ['esp32', 'Xtensa LX6', 240e6, 520 * KiB, 4 * MiB, 4096],
    ['native', 'RIOT native (host process)', 100e6, 1 * MiB, 8 * MiB, 4096],
  ])('%s is a %s at %d Hz with %d B RAM, %d B flash, %d B chunks', (...row) => {
    const [name, mcu, clockHz, ramBytes, flashBytes, maxChunkBytes] = row;
    expect(getBoard(name)).toMatchObject({
      name,
      mcu,
      clockHz,
      ramBytes,
      flashBytes,
      maxChunkBytes,
    });
  });

  it.each(BOARD_NAMES)('%s leaves room for a guest after the OS', (name) => {
    const board = BOARDS[name];
    expect(board.name).toBe(name);
    expect(boardSchema.parse(board.name)).toBe(name);
    expect(board.osRamBytes).toBeGreaterThan(0);
    expect(board.osRamBytes).toBeLessThan(board.ramBytes);
    expect(board.osFlashBytes).toBeGreaterThan(0);
    expect(board.osFlashBytes).toBeLessThan(board.flashBytes);
    expect(board.maxChunkBytes).toBeLessThan(board.ramBytes - board.osRamBytes);
    expect(board.sensors.length).toBeGreaterThan(0);
    for (const sensor of board.sensors) expect(SENSOR_KINDS).toContain(sensor);
  });

  it.each(BOARD_NAMES)('%s limits fit the hello schema', (name) => {
    const board = BOARDS[name];
    const limits = {
      ramBytes: board.ramBytes,
      flashBytes: board.flashBytes,
      clockHz: board.clockHz,
      maxChunkBytes: board.maxChunkBytes,
    };
    const hello = { board: name, vm: { kind: 'wasm', version: 'x' }, limits };
    expect(helloSchema.safeParse(hello).success).toBe(true);
  });

  it('gives the atmega328 the small OS footprint of a 2 KiB part', () => {
    expect(BOARDS.atmega328.osRamBytes).toBeGreaterThanOrEqual(1 * KiB);
    expect(BOARDS.atmega328.osRamBytes).toBeLessThanOrEqual(1.5 * KiB);
    expect(BOARDS.atmega328.osFlashBytes).toBe(20 * KiB);
  });

  it.each(['stm32f4', '', 'NRF52840', 'constructor', 'toString'])(
    'getBoard(%j) throws and lists the known boards',
    (name) => {
      expect(() => getBoard(name)).toThrow(
        `unknown board "${name}"; known boards: nrf52840, atmega328, esp32, native`,
      );
    },
  );
});
