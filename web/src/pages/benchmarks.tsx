import { useEffect, useState } from 'preact/hooks';
import type { Campaign } from '../../../src/protocol/api';
import { api, authHeaders, get, post } from '../api';
import { MarkdownTables } from '../components/markdown-tables';
import { field, useAction, usePoll } from '../hooks';
import { onLinkClick, useLocation } from '../router';
import { useCan } from '../session';
import { ActionMessage } from '../components/action-message';

/** Benchmark campaigns: their progress, report tables and chart; starting one. */
export function BenchmarksPage() {
  const { path } = useLocation();
  const one = /^\/benchmarks\/(\d+)$/.exec(path);
  return one ? <CampaignView id={Number(one[1])} /> : <Campaigns />;
}

function progress(c: Campaign): string {
  return `${c.recordedRuns}/${c.plannedRuns} runs`;
}

function Campaigns() {
  const list = usePoll(() => get<{ items: Campaign[] }>('/api/benchmarks'), 3000, 'campaigns');
  const operate = useCan('operator');
  return (
    <>
      <h1>Benchmarks</h1>
      {list.error && (
        <p class="error" role="alert">
          {list.error}
        </p>
      )}
      <div class="scroll">
        <table data-testid="campaigns">
          <thead>
            <tr>
              <th scope="col">#</th>
              <th scope="col">Name</th>
              <th scope="col">Status</th>
              <th scope="col">Progress</th>
              <th scope="col">Programs</th>
              <th scope="col">Devices</th>
              <th scope="col">Started</th>
            </tr>
          </thead>
          <tbody>
            {(list.data?.items ?? []).map((c) => (
              <tr key={c.id}>
                <th scope="row">
                  <a href={`/benchmarks/${c.id}`} onClick={onLinkClick}>
                    {c.id}
                  </a>
                </th>
                <td>{c.name ?? '–'}</td>
                <td>
                  <span class={`badge st-${c.status}`}>{c.status}</span>
                </td>
                <td>
                  <progress
                    max={c.plannedRuns || 1}
                    value={c.recordedRuns}
                    aria-label={`campaign ${c.id}`}
                  />{' '}
                  {progress(c)}
                </td>
                <td>{c.programs.length}</td>
                <td>{c.devices.map((d) => d.id).join(', ')}</td>
                <td>{new Date(c.createdAt).toLocaleString()}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {list.data?.items.length === 0 && <p class="hint">No campaigns yet.</p>}
      </div>
      {operate ? (
        <NewCampaign onDone={list.reload} />
      ) : (
        <p class="hint">Starting a campaign needs the operator role.</p>
      )}
    </>
  );
}

function NewCampaign({ onDone }: { onDone: () => void }) {
  const action = useAction();
  const submit = (e: Event) => {
    e.preventDefault();
    const f = new FormData(e.currentTarget as HTMLFormElement);
    const text = (k: string) => field(f, k);
    action.run(async () => {
      const devices = text('devices')
        .split(/[\s,]+/)
        .filter(Boolean);
      const programs = text('programs')
        .split(/[\s,]+/)
        .filter(Boolean);
      const c = await post<Campaign>('/api/benchmarks', {
        ...(text('name') ? { name: text('name') } : {}),
        ...(programs.length ? { programs } : { suite: text('suite') }),
        target: devices.length ? { devices } : { tag: text('tag') },
        repetitions: Number(text('repetitions')),
        native: f.get('native') === 'on',
      });
      onDone();
      return `campaign ${c.id} started: ${c.plannedRuns} runs planned`;
    });
  };
  return (
    <details class="panel">
      <summary>New campaign</summary>
      <form class="toolbar" onSubmit={submit} aria-label="New campaign">
        <label>
          Name <input name="name" size={14} />
        </label>
        <label>
          Suite
          <select name="suite">
            <option>coisa</option>
            <option>embench</option>
          </select>
        </label>
        <label>
          or programs <input name="programs" size={16} placeholder="crc32, md5sum" />
        </label>
        <label>
          Tag <input name="tag" size={10} />
        </label>
        <label>
          or devices <input name="devices" size={16} />
        </label>
        <label>
          Repetitions <input name="repetitions" type="number" min={1} max={50} defaultValue="5" />
        </label>
        <label class="check">
          <input name="native" type="checkbox" defaultChecked /> Native baseline
        </label>
        <button type="submit" disabled={action.busy}>
          Start
        </button>
        <ActionMessage action={action} />
      </form>
    </details>
  );
}

function CampaignView({ id }: { id: number }) {
  const c = usePoll(() => get<Campaign>(`/api/benchmarks/${id}`), 3000, String(id));
  const report = usePoll(
    () => api<string>('GET', `/api/benchmarks/${id}/report?format=md`),
    10_000,
    String(id),
  );
  const chart = useSvgChart(`/api/benchmarks/${id}/report?format=svg`, c.data?.recordedRuns ?? 0);
  const action = useAction();
  const operate = useCan('operator');
  const camp = c.data;
  return (
    <>
      <p class="crumbs">
        <a href="/benchmarks" onClick={onLinkClick}>
          Benchmarks
        </a>{' '}
        › {id}
      </p>
      <h1>
        Campaign {id} {camp?.name && `“${camp.name}”`}{' '}
        {camp && <span class={`badge st-${camp.status}`}>{camp.status}</span>}
      </h1>
      {c.error && (
        <p class="error" role="alert">
          {c.error}
        </p>
      )}
      {camp && (
        <p>
          <progress
            max={camp.plannedRuns || 1}
            value={camp.recordedRuns}
            aria-label="runs recorded"
          />{' '}
          {progress(camp)}:{' '}
          {Object.entries(camp.counts)
            .map(([s, n]) => `${n} ${s}`)
            .join(', ')}{' '}
          {camp.status === 'running' && (
            <button
              type="button"
              class="danger"
              disabled={!operate || action.busy}
              onClick={() =>
                action.run(async () => void (await post(`/api/benchmarks/${id}/cancel`)))
              }
            >
              Cancel
            </button>
          )}
        </p>
      )}
      {action.message && (
        <p class="error" role="alert">
          {action.message}
        </p>
      )}
      {chart && (
        <img
          class="report-chart"
          src={chart}
          alt={`chart of campaign ${id}: the report's figures per VM and program`}
        />
      )}
      {report.data && <MarkdownTables text={report.data} />}
      {report.error && <p class="hint">No report yet: {report.error}</p>}
    </>
  );
}

/** The report's SVG chart as an object URL (an <img> cannot send the bearer header itself). */
function useSvgChart(path: string, runs: number): string | null {
  const [url, setUrl] = useState<string | null>(null);
  useEffect(() => {
    if (runs === 0) return;
    let made: string | null = null;
    let alive = true;
    fetch(path, { headers: authHeaders() })
      .then(async (res) => {
        if (!res.ok || !alive) return;
        made = URL.createObjectURL(new Blob([await res.text()], { type: 'image/svg+xml' }));
        setUrl(made);
      })
      .catch(() => undefined);
    return () => {
      alive = false;
      if (made) URL.revokeObjectURL(made);
    };
  }, [path, runs]);
  return url;
}
