import { useState } from 'preact/hooks';
import type { App, AppList, Deployment, DeploymentDetail } from '../../../src/protocol/api';
import { get, post, api } from '../api';
import { formatBytes } from '../components/chart';
import { StateBar } from '../components/progress';
import { field, useAction, usePoll } from '../hooks';
import { onLinkClick, useLocation } from '../router';
import { useCan } from '../session';
import { ActionMessage } from '../components/action-message';

/** Published apps and their versions, uploads, rollouts with their progress per state and wave. */
export function DeploymentsPage() {
  const { path } = useLocation();
  const detail = /^\/deployments\/(\d+)$/.exec(path);
  if (detail) return <DeploymentView id={Number(detail[1])} />;
  return <Overview />;
}

function Overview() {
  const apps = usePoll(() => get<AppList>('/api/apps'), 10_000, 'apps');
  const deployments = usePoll(
    () => get<{ items: Deployment[] }>('/api/deployments'),
    2000,
    'deployments',
  );
  const operate = useCan('operator');
  const userApps = (apps.data?.items ?? []).filter((a) => a.origin !== 'benchmark');
  return (
    <>
      <h1>Apps and deployments</h1>
      <section aria-labelledby="rollouts-h">
        <h2 id="rollouts-h">Deployments</h2>
        {deployments.error && (
          <p class="error" role="alert">
            {deployments.error}
          </p>
        )}
        <div class="scroll">
          <table data-testid="deployments">
            <thead>
              <tr>
                <th scope="col">#</th>
                <th scope="col">App</th>
                <th scope="col">Status</th>
                <th scope="col">Wave</th>
                <th scope="col">Devices by state</th>
                <th scope="col">Started</th>
              </tr>
            </thead>
            <tbody>
              {(deployments.data?.items ?? []).map((d) => (
                <tr key={d.id} data-deployment={d.id}>
                  <th scope="row">
                    <a href={`/deployments/${d.id}`} onClick={onLinkClick}>
                      {d.id}
                    </a>
                  </th>
                  <td>
                    {d.app.name}@{d.app.version}
                  </td>
                  <td>
                    <span class={`badge st-${d.status}`}>{d.status}</span>
                  </td>
                  <td>
                    {d.currentWave + 1}/{d.waveCount}
                  </td>
                  <td>
                    <StateBar counts={d.counts} label={`deployment ${d.id}`} />
                  </td>
                  <td>{new Date(d.createdAt).toLocaleString()}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {deployments.data?.items.length === 0 && <p class="hint">No deployments yet.</p>}
        </div>
        {operate && <NewDeployment apps={userApps} onDone={deployments.reload} />}
      </section>
      <section aria-labelledby="apps-h">
        <h2 id="apps-h">Apps</h2>
        <AppTable apps={userApps} />
        {operate ? (
          <Upload onDone={apps.reload} />
        ) : (
          <p class="hint">Uploading needs the operator role.</p>
        )}
      </section>
    </>
  );
}

function AppTable({ apps }: { apps: App[] }) {
  return (
    <div class="scroll short">
      <table class="compact" data-testid="apps">
        <thead>
          <tr>
            <th scope="col">App</th>
            <th scope="col">Version</th>
            <th scope="col">VM</th>
            <th scope="col">Size</th>
            <th scope="col">Needs RAM</th>
            <th scope="col">Sequence</th>
            <th scope="col">Published</th>
          </tr>
        </thead>
        <tbody>
          {apps.map((a) => (
            <tr key={`${a.name}@${a.version}`}>
              <th scope="row">{a.name}</th>
              <td>{a.version}</td>
              <td>{a.vm}</td>
              <td>{formatBytes(a.size)}</td>
              <td>{formatBytes(a.needs.ramBytes)}</td>
              <td>{a.sequence}</td>
              <td>{new Date(a.createdAt).toLocaleString()}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

const VMS = ['mips1', 'ebpf', 'wasm', 'wasm-fast', 'lua', 'micropython', 'js'];

function Upload({ onDone }: { onDone: () => void }) {
  const action = useAction();
  const submit = (e: Event) => {
    e.preventDefault();
    const form = e.currentTarget as HTMLFormElement;
    action.run(async () => {
      const app = await api<App>('POST', '/api/apps', new FormData(form));
      form.reset();
      onDone();
      return `published ${app.name}@${app.version} (${formatBytes(app.size)}, sequence ${app.sequence})`;
    });
  };
  return (
    <form class="toolbar" onSubmit={submit} aria-label="Upload an app">
      <label>
        Name <input name="name" required pattern="[a-z0-9][a-z0-9._\-]*" size={14} />
      </label>
      <label>
        Version <input name="version" required size={8} placeholder="1.0.0" />
      </label>
      <label>
        VM
        <select name="vm">
          {VMS.map((v) => (
            <option key={v}>{v}</option>
          ))}
        </select>
      </label>
      <label>
        Payload <input name="file" type="file" required />
      </label>
      <button type="submit" disabled={action.busy}>
        Upload
      </button>
      <ActionMessage action={action} />
    </form>
  );
}

function NewDeployment({ apps, onDone }: { apps: App[]; onDone: () => void }) {
  const action = useAction();
  const [strategy, setStrategy] = useState('all-at-once');
  const submit = (e: Event) => {
    e.preventDefault();
    const f = new FormData(e.currentTarget as HTMLFormElement);
    const text = (k: string) => field(f, k);
    action.run(async () => {
      const [name, version] = text('app').split('@');
      const devices = text('devices')
        .split(/[\s,]+/)
        .filter(Boolean);
      const body = {
        app: { name, version },
        target: devices.length ? { devices } : { tag: text('tag') },
        strategy:
          strategy === 'canary'
            ? { kind: 'canary', count: Number(text('count')) }
            : strategy === 'waves'
              ? { kind: 'waves', percents: text('percents').split(',').map(Number) }
              : { kind: 'all-at-once' },
        failureThreshold: Number(text('threshold')),
      };
      const d = await post<Deployment>('/api/deployments', body);
      onDone();
      return `deployment ${d.id} started on ${d.devices} devices`;
    });
  };
  return (
    <details class="panel">
      <summary>New deployment</summary>
      <form class="toolbar" onSubmit={submit} aria-label="New deployment">
        <label>
          App
          <select name="app" required>
            {apps.map((a) => (
              <option key={`${a.name}@${a.version}`}>{`${a.name}@${a.version}`}</option>
            ))}
          </select>
        </label>
        <label>
          Tag <input name="tag" size={10} />
        </label>
        <label>
          or devices <input name="devices" size={18} placeholder="dev-1, dev-2" />
        </label>
        <label>
          Strategy
          <select value={strategy} onChange={(e) => setStrategy(e.currentTarget.value)}>
            <option value="all-at-once">all at once</option>
            <option value="canary">canary</option>
            <option value="waves">waves</option>
          </select>
        </label>
        {strategy === 'canary' && (
          <label>
            Canary devices <input name="count" type="number" min={1} defaultValue="1" />
          </label>
        )}
        {strategy === 'waves' && (
          <label>
            Percents <input name="percents" defaultValue="10,50,100" size={10} />
          </label>
        )}
        <label>
          Failure threshold %{' '}
          <input name="threshold" type="number" min={0} max={100} defaultValue="10" />
        </label>
        <button type="submit" disabled={action.busy}>
          Deploy
        </button>
        <ActionMessage action={action} />
      </form>
    </details>
  );
}

function DeploymentView({ id }: { id: number }) {
  const d = usePoll(() => get<DeploymentDetail>(`/api/deployments/${id}`), 1000, String(id));
  const action = useAction();
  const operate = useCan('operator');
  const dep = d.data;
  const control = (op: 'pause' | 'resume' | 'cancel') => () =>
    action.run(async () => {
      const r = await post<Deployment>(`/api/deployments/${id}/${op}`);
      d.reload();
      return `deployment ${id}: ${r.status}`;
    });
  const waves = new Map<number, Record<string, number>>();
  for (const t of dep?.targets ?? []) {
    const counts = waves.get(t.wave) ?? {};
    counts[t.state] = (counts[t.state] ?? 0) + 1;
    waves.set(t.wave, counts);
  }
  const open = dep && (dep.status === 'running' || dep.status === 'paused');
  return (
    <>
      <p class="crumbs">
        <a href="/deployments" onClick={onLinkClick}>
          Deployments
        </a>{' '}
        › {id}
      </p>
      <h1>
        Deployment {id}{' '}
        {dep && (
          <span class={`badge st-${dep.status}`} data-testid="deployment-status">
            {dep.status}
          </span>
        )}
      </h1>
      {d.error && (
        <p class="error" role="alert">
          {d.error}
        </p>
      )}
      {dep && (
        <>
          <dl class="facts">
            <dt>App</dt>
            <dd>
              {dep.app.name}@{dep.app.version} ({dep.app.vm})
            </dd>
            <dt>Strategy</dt>
            <dd>{dep.strategy.kind}</dd>
            <dt>Wave</dt>
            <dd data-testid="wave">
              {dep.currentWave + 1} of {dep.waveCount}
            </dd>
            <dt>Failure threshold</dt>
            <dd>{dep.failureThreshold} %</dd>
            {dep.reason && (
              <>
                <dt>Reason</dt>
                <dd>{dep.reason}</dd>
              </>
            )}
          </dl>
          <StateBar counts={dep.counts} label="all devices" />
          <div class="toolbar" role="group" aria-label="Rollout control">
            {dep.status === 'paused' ? (
              <button type="button" onClick={control('resume')} disabled={!operate || action.busy}>
                Resume
              </button>
            ) : (
              <button
                type="button"
                onClick={control('pause')}
                disabled={!operate || action.busy || !open}
              >
                Pause
              </button>
            )}
            <button
              type="button"
              class="danger"
              onClick={control('cancel')}
              disabled={!operate || action.busy || !open}
            >
              Cancel
            </button>
            <ActionMessage action={action} />
          </div>
          <h2>By wave</h2>
          <table class="compact" data-testid="waves">
            <tbody>
              {[...waves.entries()]
                .sort(([a], [b]) => a - b)
                .map(([wave, counts]) => (
                  <tr key={wave}>
                    <th scope="row">Wave {wave + 1}</th>
                    <td>
                      <StateBar counts={counts} label={`wave ${wave + 1}`} />
                    </td>
                  </tr>
                ))}
            </tbody>
          </table>
          <h2>Devices</h2>
          <div class="scroll">
            <table class="compact" data-testid="targets">
              <thead>
                <tr>
                  <th scope="col">Device</th>
                  <th scope="col">Wave</th>
                  <th scope="col">State</th>
                  <th scope="col">Sent</th>
                  <th scope="col">Reason</th>
                </tr>
              </thead>
              <tbody>
                {dep.targets.map((t) => (
                  <tr key={t.deviceId}>
                    <th scope="row">
                      <a href={`/devices/${encodeURIComponent(t.deviceId)}`} onClick={onLinkClick}>
                        {t.deviceId}
                      </a>
                    </th>
                    <td>{t.wave + 1}</td>
                    <td>{t.state}</td>
                    <td>{formatBytes(t.bytesSent)}</td>
                    <td>{t.code ? `${t.code}: ${t.reason ?? ''}` : ''}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </>
  );
}
