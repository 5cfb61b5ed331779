import type { TelemetrySeries } from '../../src/protocol/api';
import { formatUsage } from '../format';
import { captureIo } from '../testing/capture-io';
import { printTelemetry } from './telemetry-view';

const MiB = 1024 * 1024;

function series(flashUsed: number, flashTotal: number): TelemetrySeries {
  const point = {
    ts: '2025-05-01T10:00:00.000Z',
    samples: 1,
    uptimeMs: 1000,
    ramUsed: 2048,
    ramPeak: 4096,
    ramTotal: 256 * 1024,
    flashUsed,
    flashTotal,
    cpuLoad: 0.5,
    instructions: 1000,
    vmState: 'running',
    app: null,
  };
  const range = { from: point.ts, to: point.ts, stepMs: 60_000 };
  return { deviceId: 'd-1', ...range, points: [point] };
}

describe('printTelemetry', () => {
  it('prints flash sizes as every other view does (1 MiB is "1.0 MiB", not "1024.0 KiB")', () => {
    const { io, stdout } = captureIo();
    printTelemetry(io, series(256 * 1024, MiB));
    expect(stdout()).toContain(formatUsage(256 * 1024, MiB));
    expect(stdout()).toContain('256.0 KiB / 1.0 MiB (25.0%)');
    expect(stdout()).not.toContain('1024.0 KiB');
    expect(stdout()).toContain('2.0 KiB');
  });
});
