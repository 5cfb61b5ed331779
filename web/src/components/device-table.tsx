import { Component } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import type { Device } from '../../../src/protocol/api';
import { usePercent } from '../fleet-stats';
import { onLinkClick } from '../router';
import { formatBytes } from './chart';

/**
 * Rows are added in slices of this many per task, so a 1,000-device fleet appears in a few
 * short tasks instead of one long one (test/dashboard.e2e-spec.ts measures it).
 */
const SLICE = 100;

/** The device list: every device a row, rendered progressively, unchanged rows left alone. */
export function DeviceTable({ devices }: { devices: Device[] }) {
  const [shown, setShown] = useState(SLICE);
  useEffect(() => {
    if (shown >= devices.length) return;
    const timer = setTimeout(() => setShown((n) => n + SLICE), 0);
    return () => clearTimeout(timer);
  }, [shown, devices.length]);
  const rows = devices.length > shown ? devices.slice(0, shown) : devices;
  return (
    <div class="scroll">
      <table class="devices" data-testid="device-table" aria-rowcount={devices.length + 1}>
        <thead>
          <tr>
            <th scope="col">Device</th>
            <th scope="col">State</th>
            <th scope="col">Board</th>
            <th scope="col">VM</th>
            <th scope="col">App</th>
            <th scope="col">VM state</th>
            <th scope="col">RAM</th>
            <th scope="col">Flash</th>
            <th scope="col">Tags</th>
          </tr>
        </thead>
        <tbody aria-busy={rows.length < devices.length}>
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
    return rowKey(next.d) !== rowKey(this.props.d);
  }

  override render() {
    const { d } = this.props;
    const ram = usePercent(d, 'ram');
    const flash = usePercent(d, 'flash');
    return (
      <tr data-device={d.id}>
        <th scope="row">
          <a href={`/devices/${encodeURIComponent(d.id)}`} onClick={onLinkClick}>
            {d.id}
          </a>
        </th>
        <td>
          <span class={d.online ? 'dot on' : 'dot off'} aria-hidden="true" />
          {d.online ? 'online' : 'offline'}
        </td>
        <td>{d.board}</td>
        <td>{d.vm.kind}</td>
        <td>{d.latest?.app ? `${d.latest.app.id}@${d.latest.app.version}` : '–'}</td>
        <td>{d.latest?.vmState ?? '–'}</td>
        <td>{ram === null ? '–' : `${formatBytes(d.latest!.ramUsed!)} (${Math.round(ram)} %)`}</td>
        <td>{flash === null ? '–' : `${Math.round(flash)} %`}</td>
        <td>{d.tags.join(', ')}</td>
      </tr>
    );
  }
}
