import type { VirtualDevice } from '../devices';
import { waitFor } from './support/gateway';
import { GatewayProcess } from './support/gateway-process';
import {
  deploy,
  deployment,
  firmwareImage,
  publishApp,
  startDevices,
  waitForDeployment,
} from './support/ota';

describe('a gateway killed mid-rollout (e2e, gateway in its own process)', () => {
  let gw: GatewayProcess;
  let devices: VirtualDevice[] = [];

  beforeEach(async () => {
    gw = await GatewayProcess.start();
  }, 90_000);
  afterEach(async () => {
    await Promise.all(devices.map((d) => d.stop()));
    devices = [];
    await gw.stop();
  });

  it('finishes the rollout after a SIGKILL and restart, and no device is ever without a running app', async () => {
    devices = await startDevices(gw, {
      prefix: 'k',
      count: 12,
      tags: ['k'],
      options: { otaPaceMs: 30, otaFetchRetryMs: 1000 },
    });
    await publishApp(gw, 'demo', '1.0.0', firmwareImage('blink'));
    await publishApp(gw, 'demo', '2.0.0', firmwareImage('md5sum')); // 3 chunks, exits 0
    const v1 = await deploy(gw, {
      app: { name: 'demo', version: '1.0.0' },
      target: { tag: 'k' },
      healthWindowMs: 100,
    });
    await waitForDeployment(gw, v1, 'v1 completed', (d) => d.status === 'completed', 30_000);

    const v2 = await deploy(gw, {
      app: { name: 'demo', version: '2.0.0' },
      target: { tag: 'k' },
      strategy: { kind: 'waves', percents: [25, 50, 100] },
      healthWindowMs: 1500,
    });
    // Kill while the first wave is inside its health window and the later waves wait.
    await waitForDeployment(gw, v2, 'wave 1 running', (d) => d.counts.running > 0, 30_000);
    const before = await deployment(gw, v2);
    expect(before.counts.pending).toBeGreaterThan(0);
    await gw.kill();

    // The gateway is gone: every device still runs an app (the old or the new one).
    for (const d of devices) {
      expect(d.vmStatus().app).not.toBeNull();
      expect(d.vmStatus().state).not.toBe('faulted');
    }
    await gw.restart();
    const done = await waitForDeployment(
      gw,
      v2,
      'v2 completed after the restart',
      (d) => d.status === 'completed',
      60_000,
    );
    expect(done.counts.healthy).toBe(12);
    expect(done.targets.every((t) => t.state === 'healthy')).toBe(true);
    await waitFor('every device on 2.0.0', () =>
      devices.every((d) => d.vmStatus().app?.version === '2.0.0'),
    );
    // They reconnected to the new gateway process rather than being restarted.
    for (const d of devices) expect(d.stats().reconnects).toBeGreaterThanOrEqual(1);
  }, 180_000);
});
