import { downsample } from './downsample';
import type { TelemetrySample } from './sample';

function sample(ts: number, over: Partial<TelemetrySample> = {}): TelemetrySample {
  return {
    deviceId: 'd1',
    ts,
    deviceTs: null,
    uptimeMs: ts,
    ramUsed: 100,
    ramPeak: 100,
    ramTotal: 1000,
    flashUsed: 10,
    flashTotal: 100,
    cpuLoad: 0.1,
    vmState: 'idle',
    instructions: 0,
    appId: null,
    appVersion: null,
    heapUsed: null,
    heapPeak: null,
    stackUsed: null,
    stackBytes: null,
    ...over,
  };
}

describe('downsample', () => {
  it('returns nothing for no samples', () => {
    expect(downsample([], 1000)).toEqual([]);
  });

  it('buckets on epoch-aligned windows', () => {
    const points = downsample([sample(1000), sample(1500), sample(2100), sample(4999)], 1000);
    expect(points.map((p) => [p.ts, p.samples])).toEqual([
      [1000, 2],
      [2000, 1],
      [4000, 1],
    ]);
  });

  it('averages levels, takes maxima of peaks and counters, last of states', () => {
    const [p] = downsample(
      [
        sample(0, {
          ramUsed: 100,
          ramPeak: 150,
          cpuLoad: 0.2,
          instructions: 10,
          vmState: 'running',
          uptimeMs: 5,
        }),
        sample(10, {
          ramUsed: 300,
          ramPeak: 400,
          cpuLoad: 0.4,
          instructions: 30,
          vmState: 'faulted',
          uptimeMs: 15,
          appId: 'blink',
          appVersion: '1.0.0',
        }),
      ],
      1000,
    );
    expect(p).toMatchObject({
      ramUsed: 200,
      ramPeak: 400,
      cpuLoad: 0.3,
      instructions: 30,
      uptimeMs: 15,
      vmState: 'faulted',
      app: { id: 'blink', version: '1.0.0' },
      samples: 2,
    });
  });

  it('summarises the OS figures over the samples that have them, else null', () => {
    const [point] = downsample(
      [
        sample(0, { heapUsed: 100, heapPeak: 150, stackUsed: 900, stackBytes: 4096 }),
        sample(10),
        sample(20, { heapUsed: 300, heapPeak: 400, stackUsed: 700, stackBytes: 4096 }),
      ],
      1000,
    );
    expect(point).toMatchObject({ heapUsed: 200, heapPeak: 400, stackUsed: 900, stackBytes: 4096 });
    expect(downsample([sample(0)], 1000)[0]).toMatchObject({ heapUsed: null, stackUsed: null });
  });
});
