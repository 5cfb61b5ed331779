import { useMemo, useState } from 'preact/hooks';
import type { Device, DeviceList } from '../../../src/protocol/api';
import { get } from '../api';
import {
  appOf,
  groupBy,
  histogram,
  matches,
  topUsers,
  transportOf,
  usePercent,
  type Filter,
  type Group,
} from '../fleet-stats';
import { DeviceTable } from '../components/device-table';
import { useDeferred, usePoll } from '../hooks';
import { onLinkClick } from '../router';

const POLL_MS = 5000;

/** Every device, their presence by VM kind, board and app, RAM and flash across the fleet. */
export function FleetPage() {
  const devices = usePoll(() => get<DeviceList>('/api/devices'), POLL_MS, 'fleet');
  const [filter, setFilter] = useState<Filter>({
    text: '',
    vm: '',
    board: '',
    presence: '',
    app: '',
    transport: '',
  });
  const all = useMemo(() => devices.data?.items ?? [], [devices.data]);
  const shown = useMemo(() => all.filter((d) => matches(d, filter)), [all, filter]);
  // The panels come a task after the table's first rows (the first load's long task).
  const summary = useDeferred(() => summarize(all), [all]);
  const { byVm, byBoard, byApp, byTransport } = summary ?? NO_SUMMARY;
  const online = all.filter((d) => d.online).length;
  const set = (patch: Partial<Filter>) => setFilter((f) => ({ ...f, ...patch }));
  return (
    <>
      <h1>
        Fleet{' '}
        <small data-testid="fleet-count">
          {devices.data ? `${online} of ${all.length} online` : 'loading…'}
        </small>
      </h1>
      {devices.error && (
        <p class="error" role="alert">
          {devices.error}
        </p>
      )}
      <div class="cards">
        <GroupCard title="By VM kind" groups={byVm} onPick={(vm) => set({ vm })} />
        <GroupCard title="By board" groups={byBoard} onPick={(board) => set({ board })} />
        <GroupCard title="By app version" groups={byApp} onPick={(app) => set({ app })} />
        <GroupCard
          title="By transport"
          groups={byTransport}
          onPick={(transport) => set({ transport })}
        />
        <UseCard use={summary?.ram} what="ram" />
        <UseCard use={summary?.flash} what="flash" />
      </div>
      <section aria-labelledby="devices-h">
        <h2 id="devices-h">Devices</h2>
        <form class="filters" role="search" onSubmit={(e) => e.preventDefault()}>
          <label>
            Search
            <input
              type="search"
              value={filter.text}
              placeholder="id or tag"
              onInput={(e) => set({ text: e.currentTarget.value })}
            />
          </label>
          <Choice
            label="VM kind"
            value={filter.vm}
            options={byVm.map((g) => g.key)}
            onChange={(vm) => set({ vm })}
          />
          <Choice
            label="Board"
            value={filter.board}
            options={byBoard.map((g) => g.key)}
            onChange={(board) => set({ board })}
          />
          <Choice
            label="App"
            value={filter.app}
            options={byApp.map((g) => g.key)}
            onChange={(app) => set({ app })}
          />
          <Choice
            label="Transport"
            value={filter.transport}
            options={byTransport.map((g) => g.key)}
            onChange={(transport) => set({ transport })}
          />
          <Choice
            label="Presence"
            value={filter.presence}
            options={['online', 'offline']}
            onChange={(p) => set({ presence: p as Filter['presence'] })}
          />
          <output aria-live="polite">{shown.length} shown</output>
        </form>
        <DeviceTable devices={shown} />
      </section>
    </>
  );
}

interface Use {
  bins: number[];
  top: Device[];
}

interface Summary {
  byVm: Group[];
  byBoard: Group[];
  byApp: Group[];
  byTransport: Group[];
  ram: Use;
  flash: Use;
}

const NO_SUMMARY: Summary = {
  byVm: [],
  byBoard: [],
  byApp: [],
  byTransport: [],
  ram: { bins: [], top: [] },
  flash: { bins: [], top: [] },
};

function summarize(all: Device[]): Summary {
  const use = (what: 'ram' | 'flash') => ({
    bins: histogram(all, what),
    top: topUsers(all, what, 3),
  });
  return {
    byVm: groupBy(all, (d) => d.vm.kind),
    byBoard: groupBy(all, (d) => d.board),
    byApp: groupBy(all, appOf),
    byTransport: groupBy(all, transportOf),
    ram: use('ram'),
    flash: use('flash'),
  };
}

function Choice(props: {
  label: string;
  value: string;
  options: string[];
  onChange: (v: string) => void;
}) {
  return (
    <label>
      {props.label}
      <select value={props.value} onChange={(e) => props.onChange(e.currentTarget.value)}>
        <option value="">all</option>
        {props.options.map((o) => (
          <option key={o} value={o}>
            {o}
          </option>
        ))}
      </select>
    </label>
  );
}

function GroupCard({
  title,
  groups,
  onPick,
}: {
  title: string;
  groups: Group[];
  onPick: (key: string) => void;
}) {
  return (
    <section class="card" aria-label={title}>
      <h2>{title}</h2>
      <table class="compact">
        <thead>
          <tr>
            <th scope="col">{title.replace('By ', '')}</th>
            <th scope="col">online</th>
            <th scope="col">offline</th>
          </tr>
        </thead>
        <tbody>
          {groups.slice(0, 8).map((g) => (
            <tr key={g.key}>
              <th scope="row">
                <button
                  type="button"
                  class="link"
                  onClick={() => onPick(g.key)}
                  title={`show only ${g.key}`}
                >
                  {g.key}
                </button>
              </th>
              <td>{g.online}</td>
              <td>{g.total - g.online}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

function UseCard({ use, what }: { use: Use | undefined; what: 'ram' | 'flash' }) {
  const bins = use?.bins ?? [];
  const max = Math.max(1, ...bins);
  const name = what === 'ram' ? 'RAM' : 'Flash';
  return (
    <section class="card" aria-label={`${name} use`}>
      <h2>{name} use</h2>
      <ol class="histogram" aria-label={`devices by share of ${name} used`}>
        {bins.map((n, i) => (
          <li key={i} title={`${i * 10}–${i * 10 + 10} %: ${n} devices`}>
            <span class="bar" style={{ height: `${(100 * n) / max}%` }} />
            <span class="sr-only">
              {i * 10}–{i * 10 + 10} %: {n} devices
            </span>
          </li>
        ))}
      </ol>
      <h3>Top</h3>
      <ol class="top">
        {(use?.top ?? []).map((d) => (
          <li key={d.id}>
            <a href={`/devices/${encodeURIComponent(d.id)}`} onClick={onLinkClick}>
              {d.id}
            </a>{' '}
            {Math.round(usePercent(d, what)!)} %
          </li>
        ))}
      </ol>
    </section>
  );
}
