import { useEffect, useMemo, useState } from 'preact/hooks';
import type { Device, TelemetryPoint, TelemetrySeries } from '../../../src/protocol/api';
import { get } from '../api';
import { Chart, formatBytes, type Series } from '../components/chart';
import { EventLog } from '../components/event-log';
import { ThingMonitor } from '../components/thing-monitor';
import { usePoll } from '../hooks';
import { onLinkClick } from '../router';
import { follow } from '../sse';
import { appendPoints, emptyColumns, type Columns } from '../telemetry-series';

const RAM: Series[] = [{ label: 'RAM used', unit: 'B', color: '#1f5fa8' }];
const FLASH: Series[] = [{ label: 'Flash used', unit: 'B', color: '#8a4b00' }];
const CPU: Series[] = [{ label: 'CPU', unit: '%', color: '#a4142d' }];
const INSTR: Series[] = [{ label: 'VM instructions', unit: 'instr', color: '#1b6e3a' }];

/** One device: what it is, its live telemetry, the Thing Monitor, its events. */
export function DevicePage({ id }: { id: string }) {
  const path = `/api/devices/${encodeURIComponent(id)}`;
  const device = usePoll(() => get<Device>(path), 5000, id);
  const { columns, live } = useLiveTelemetry(path);
  const d = device.data;
  return (
    <>
      <p class="crumbs">
        <a href="/" onClick={onLinkClick}>
          Fleet
        </a>{' '}
        › {id}
      </p>
      <h1>
        {id}{' '}
        {d && (
          <span class={d.online ? 'badge ok' : 'badge off'} data-testid="presence">
            {d.online ? 'online' : 'offline'}
          </span>
        )}
      </h1>
      {device.error && (
        <p class="error" role="alert">
          {device.error}
        </p>
      )}
      {d && <DeviceFacts d={d} />}
      {d && <AppSlotsPanel d={d} />}
      <section aria-labelledby="telemetry-h">
        <h2 id="telemetry-h">
          Telemetry{' '}
          <small class={live ? 'live on' : 'live'} data-testid="live">
            {live ? 'live' : 'not live'}
          </small>
        </h2>
        <div class="charts">
          <Chart
            id="ram"
            title="RAM used"
            series={RAM}
            data={useMemo(() => [columns.t, columns.ram], [columns])}
          />
          <Chart
            id="flash"
            title="Flash used"
            series={FLASH}
            data={useMemo(() => [columns.t, columns.flash], [columns])}
          />
          <Chart
            id="cpu"
            title="CPU load"
            series={CPU}
            data={useMemo(() => [columns.t, columns.cpu], [columns])}
          />
          <Chart
            id="instructions"
            title="VM instructions"
            series={INSTR}
            data={useMemo(() => [columns.t, columns.instructions], [columns])}
          />
        </div>
      </section>
      {d && <ThingMonitor device={d} />}
      <EventLog deviceId={id} />
    </>
  );
}

/** The last hour from REST, then every stored sample from the SSE stream. */
function useLiveTelemetry(path: string): { columns: Columns; live: boolean } {
  const [columns, setColumns] = useState<Columns>(emptyColumns);
  const [live, setLive] = useState(false);
  useEffect(() => {
    const abort = new AbortController();
    setColumns(emptyColumns());
    const pending: TelemetryPoint[] = [];
    let loaded = false;
    follow(
      `${path}/telemetry/stream`,
      (m) => {
        if (m.type !== 'sample') return;
        const point = JSON.parse(m.data) as TelemetryPoint;
        if (!loaded) pending.push(point);
        else setColumns((c) => appendPoints(c, [point]));
      },
      abort.signal,
      setLive,
    );
    get<TelemetrySeries>(`${path}/telemetry`)
      .then((s) => setColumns((c) => appendPoints(appendPoints(c, s.points), pending)))
      .catch(() => undefined)
      .finally(() => {
        loaded = true;
      });
    return () => abort.abort();
  }, [path]);
  return { columns, live };
}

function DeviceFacts({ d }: { d: Device }) {
  const app = d.latest?.app;
  return (
    <dl class="facts">
      <dt>Board</dt>
      <dd>{d.board}</dd>
      <dt>VM</dt>
      <dd>
        {d.vm.kind}
        {d.vm.version ? ` ${d.vm.version}` : ''}
      </dd>
      <dt>Firmware</dt>
      <dd>{d.firmware ?? '–'}</dd>
      <dt>App (running slot)</dt>
      <dd data-testid="app">{app ? `${app.id}@${app.version}` : 'none'}</dd>
      <dt>VM state</dt>
      <dd data-testid="vm-state">{d.latest?.vmState ?? '–'}</dd>
      <dt>RAM</dt>
      <dd>
        {d.limits ? formatBytes(d.limits.ramBytes) : '–'}
        {d.limits?.appRamBytes ? ` (guest ${formatBytes(d.limits.appRamBytes)})` : ''}
      </dd>
      <dt>Flash</dt>
      <dd>
        {d.limits ? formatBytes(d.limits.flashBytes) : '–'}
        {d.limits?.appFlashBytes ? ` (2 slots of ${formatBytes(d.limits.appFlashBytes)})` : ''}
      </dd>
      <dt>Last seen</dt>
      <dd>{d.lastSeenAt ? new Date(d.lastSeenAt).toLocaleString() : 'never'}</dd>
      <dt>Tags</dt>
      <dd>{d.tags.join(', ') || '–'}</dd>
    </dl>
  );
}

const SLOT_STATE: Record<string, string> = {
  empty: 'empty',
  partial: 'partial (update arriving)',
  complete: 'complete',
};

/**
 * Both app slots as the device last reported them (docs/protocol.md §5.2 `slots`: its
 * hello and every OTA report): the one the app runs from and the other, which holds the
 * app before it (a rollback target), an update arriving, or nothing.
 */
function AppSlotsPanel({ d }: { d: Device }) {
  const slots = d.slots ? [...d.slots].sort((a, b) => a.slot - b.slot) : null;
  return (
    <section aria-labelledby="slots-h" data-testid="slots">
      <h2 id="slots-h">App slots</h2>
      {!slots ? (
        <p data-testid="slots-none">not reported (the device's firmware does not say)</p>
      ) : (
        <table class="compact">
          <thead>
            <tr>
              <th scope="col">Slot</th>
              <th scope="col">Role</th>
              <th scope="col">State</th>
              <th scope="col">App</th>
              <th scope="col">Bytes</th>
            </tr>
          </thead>
          <tbody>
            {slots.map((s) => (
              <tr key={s.slot} data-slot={s.slot} data-active={s.active ? 'true' : 'false'}>
                <td>{s.slot}</td>
                <td>{s.active ? <span class="badge ok">running</span> : 'inactive'}</td>
                <td>{SLOT_STATE[s.state] ?? s.state}</td>
                <td>{s.app ? `${s.app.id}@${s.app.version}` : '–'}</td>
                <td>{s.state === 'empty' ? '–' : formatBytes(s.bytes)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {d.slotsAt && (
        <p>
          <small>reported {new Date(d.slotsAt).toLocaleString()}</small>
        </p>
      )}
    </section>
  );
}
