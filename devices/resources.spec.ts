import { telemetrySchema } from '../src/protocol';
import { BOARD_NAMES, BOARDS, BoardProfile } from './boards';
import { mulberry32 } from './prng';
import {
  idleCpuLoad,
  idleRamJitterBytes,
  sampleIdleTelemetry,
  sampleTelemetry,
  VmSample,
} from './resources';
import { guestMemoryBytes } from './runtime/local-run';

function sampleSeries(board: BoardProfile, seed: number, count: number) {
  const random = mulberry32(seed);
  const samples = [];
  let peak = 0;
  for (let i = 0; i < count; i++) {
    const sample = sampleIdleTelemetry({
      board,
      uptimeMs: i * 10_000.7,
      previousPeakBytes: peak,
      random,
    });
    peak = sample.ram.peak;
    samples.push(sample);
  }
  return samples;
}

describe('idle telemetry samples', () => {
  it.each(BOARD_NAMES)('%s: 2000 samples all satisfy telemetrySchema', (name) => {
    for (const sample of sampleSeries(BOARDS[name], 1234, 2000)) {
      expect(telemetrySchema.parse(sample)).toEqual(sample);
    }
  });

  it.each(BOARD_NAMES)('%s: RAM stays near the OS baseline and peak only grows', (name) => {
    const board = BOARDS[name];
    const span = Math.max(1, Math.floor(board.osRamBytes / 64));
    let previousPeak = 0;
    for (const sample of sampleSeries(board, 99, 500)) {
      expect(sample.ram.used).toBeGreaterThanOrEqual(board.osRamBytes);
      expect(sample.ram.used).toBeLessThan(board.osRamBytes + span);
      expect(sample.ram.peak).toBeGreaterThanOrEqual(Math.max(previousPeak, sample.ram.used));
      expect(sample.ram.total).toBe(board.ramBytes);
      expect(sample.flash).toEqual({ used: board.osFlashBytes, total: board.flashBytes });
      expect(sample.vm).toEqual({ state: 'idle', instructions: 0 });
      expect(sample.app).toBeNull();
      previousPeak = sample.ram.peak;
    }
  });

  it.each(BOARD_NAMES)('%s: CPU load of an idle device is 1-5 %%', (name) => {
    for (const sample of sampleSeries(BOARDS[name], 5, 500)) {
      expect(sample.cpu).toBeGreaterThanOrEqual(0.01);
      expect(sample.cpu).toBeLessThanOrEqual(0.05);
    }
  });

  it('reports uptime as whole milliseconds from the clock it is given', () => {
    const uptimes = sampleSeries(BOARDS.native, 1, 4).map((s) => s.uptimeMs);
    expect(uptimes).toEqual([0, 10_000, 20_001, 30_002]);
  });

  it('is reproducible from the seed and varies between seeds', () => {
    expect(sampleSeries(BOARDS.esp32, 7, 50)).toEqual(sampleSeries(BOARDS.esp32, 7, 50));
    expect(sampleSeries(BOARDS.esp32, 7, 50)).not.toEqual(sampleSeries(BOARDS.esp32, 8, 50));
  });

  it('never reports more RAM than a board that the OS fills completely', () => {
    const full: BoardProfile = { ...BOARDS.atmega328, osRamBytes: BOARDS.atmega328.ramBytes };
    for (const sample of sampleSeries(full, 3, 200)) {
      expect(telemetrySchema.parse(sample).ram.used).toBe(full.ramBytes);
    }
  });

  it.each([
    [0, 0],
    [0.5, 9],
    [0.999, 18],
  ])('atmega328 RAM jitter for draw %d is %d bytes', (draw, expected) => {
    expect(idleRamJitterBytes(BOARDS.atmega328, () => draw)).toBe(expected);
  });

  it.each([
    [0, 0.01],
    [0.5, 0.03],
    [0.99999, 0.05],
  ])('CPU load for draw %d is %d', (draw, expected) => {
    expect(idleCpuLoad(() => draw)).toBeCloseTo(expected, 4);
  });
});

describe('telemetry samples with an app', () => {
  const app = { id: 'counter', version: '1.2.0' };

  it.each(BOARD_NAMES)('%s: the guest memory adds to RAM used, never past the total', (name) => {
    const board = BOARDS[name];
    const vm: VmSample = {
      state: 'running',
      instructions: 1234,
      app,
      guestBytes: guestMemoryBytes(board),
    };
    const random = mulberry32(11);
    let peak = 0;
    for (let i = 0; i < 200; i++) {
      const input = { board, uptimeMs: i * 1000, previousPeakBytes: peak, random };
      const sample = telemetrySchema.parse(sampleTelemetry(input, vm));
      expect(sample.ram.used).toBeGreaterThanOrEqual(
        Math.min(board.ramBytes, board.osRamBytes + vm.guestBytes),
      );
      expect(sample.ram.used).toBeLessThanOrEqual(board.ramBytes);
      expect(sample.ram.peak).toBeGreaterThanOrEqual(Math.max(peak, sample.ram.used));
      expect(sample.vm).toEqual({ state: 'running', instructions: 1234 });
      expect(sample.app).toEqual(app);
      peak = sample.ram.peak;
    }
  });

  it('is the idle sample plus the guest, drawing the same random numbers', () => {
    const board = BOARDS.esp32;
    const input = { board, uptimeMs: 5_000, previousPeakBytes: 0 };
    const idle = sampleIdleTelemetry({ ...input, random: mulberry32(3) });
    const vm: VmSample = { state: 'paused', instructions: 7, app: null, guestBytes: 4096 };
    const sample = sampleTelemetry({ ...input, random: mulberry32(3) }, vm);
    expect(sample).toEqual({
      ...idle,
      ram: { used: idle.ram.used + 4096, peak: idle.ram.used + 4096, total: board.ramBytes },
      vm: { state: 'paused', instructions: 7 },
      app: null,
    });
  });

  it('caps RAM used at the total when the guest gets all that is free', () => {
    const board = BOARDS.nrf52840;
    const vm: VmSample = { state: 'loaded', instructions: 0, app, guestBytes: board.ramBytes };
    const sample = sampleTelemetry(
      { board, uptimeMs: 0, previousPeakBytes: 0, random: () => 0.99 },
      vm,
    );
    expect(sample.ram).toEqual({
      used: board.ramBytes,
      peak: board.ramBytes,
      total: board.ramBytes,
    });
  });
});
