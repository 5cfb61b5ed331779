import { Component } from 'preact';
import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import type { Device } from '../../../src/protocol/api';
import { usePercent } from '../fleet-stats';
import { onLinkClick } from '../router';
import { formatBytes } from './chart';

/**
 * Rows are added a slice per task, so a 1,000-device fleet appears in short tasks instead
 * of one long one (bench/dashboard.ts measures them). A slice is sized to take about
 * SLICE_BUDGET_MS to render, from how long the previous one took: fewer rows per task on a
 * slow or busy machine, more on a fast one.
 */
const FIRST_SLICE = 50;
const SLICE_BUDGET_MS = 12;
const SLICE_MIN = 20;
const SLICE_MAX = 400;
/** From this many rows on, rows off screen skip layout and paint (style.css). */
const MANY_ROWS = 100;

const COLUMNS = ['Device', 'State', 'Board', 'VM', 'App', 'VM state', 'RAM', 'Flash', 'Tags'];

/** The device list: every device a row, rendered progressively, unchanged rows left alone. */
export function DeviceTable({ devices }: { devices: Device[] }) {
  const [shown, setShown] = useState(FIRST_SLICE);
  const pace = useRef({ size: FIRST_SLICE, started: 0 });
  // In the task that rendered the slice: how long it took sizes the next one.
  useLayoutEffect(() => {
    const p = pace.current;
    if (p.started === 0) return;
    const took = Math.max(1, performance.now() - p.started);
    const size = Math.round((p.size * SLICE_BUDGET_MS) / took);
    p.size = Math.min(SLICE_MAX, Math.max(SLICE_MIN, size));
    p.started = 0;
  }, [shown]);
  useEffect(() => {
    if (shown >= devices.length) return;
    const timer = setTimeout(() => {
      pace.current.started = performance.now();
      setShown((n) => n + pace.current.size);
    }, 0);
    return () => clearTimeout(timer);
  }, [shown, devices.length]);
  const rows = devices.length > shown ? devices.slice(0, shown) : devices;

  return (
    <div class="scroll">
      <table
        class={devices.length > MANY_ROWS ? 'devices many' : 'devices'}
        role="table"
        data-testid="device-table"
        aria-rowcount={devices.length + 1}
      >
        <thead role="rowgroup">
          <tr role="row">
            {COLUMNS.map((c) => (
              <th key={c} scope="col" role="columnheader">
                {c}
              </th>
            ))}
          </tr>
        </thead>
        <tbody role="rowgroup" aria-busy={rows.length < devices.length}>
          {rows.map((d) => (
            <DeviceRow key={d.id} d={d} />
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** What a row shows of a device: a poll that changes none of it re-renders nothing. */
function rowKey(d: Device): string {
  const l = d.latest;
  return [
    d.online,
    d.transport,
    d.instance,
    d.board,
    d.vm.kind,
    d.tags.join(),
    l?.app?.id,
    l?.app?.version,
    l?.vmState,
    l?.ramUsed,
    l?.ramTotal,
    l?.flashUsed,
    l?.flashTotal,
  ].join('|');
}

class DeviceRow extends Component<{ d: Device }> {
  override shouldComponentUpdate(next: { d: Device }): boolean {
    // The same object while a slice is added; a poll's new one is compared by what shows.
    return next.d !== this.props.d && rowKey(next.d) !== rowKey(this.props.d);
  }

  override render() {
    const { d } = this.props;
    const ram = usePercent(d, 'ram');
    const flash = usePercent(d, 'flash');
    return (
      // Roles spelled out: the rows are laid out as grids (style.css), which may drop them.
      <tr role="row" data-device={d.id}>
        <th scope="row" role="rowheader">
          <a href={`/devices/${encodeURIComponent(d.id)}`} onClick={onLinkClick}>
            {d.id}
          </a>
        </th>
        <td
          role="cell"
          title={d.online && d.instance ? `held by instance ${d.instance}` : undefined}
        >
          <span class={d.online ? 'dot on' : 'dot off'} aria-hidden="true" />
          {d.online ? (d.transport ? `online · ${d.transport}` : 'online') : 'offline'}
        </td>
        <td role="cell">{d.board}</td>
        <td role="cell">{d.vm.kind}</td>
        <td role="cell">{d.latest?.app ? `${d.latest.app.id}@${d.latest.app.version}` : '–'}</td>
        <td role="cell">{d.latest?.vmState ?? '–'}</td>
        <td role="cell">
          {ram === null ? '–' : `${formatBytes(d.latest!.ramUsed!)} (${Math.round(ram)} %)`}
        </td>
        <td role="cell">{flash === null ? '–' : `${Math.round(flash)} %`}</td>
        <td role="cell">{d.tags.join(', ')}</td>
      </tr>
    );
  }
}
