import { useState } from 'preact/hooks';
import type { AlertRuleView, AlertView } from '../../../src/protocol/api/alerts';
import { api, get, post } from '../api';
import { field, useAction, usePoll } from '../hooks';
import { onLinkClick } from '../router';
import { useCan } from '../session';
import { ActionMessage } from '../components/action-message';

/** Alert rules (docs/monitoring.md "Alerts"): list, add, enable/disable, delete; recent alerts. */
export function AlertsPage() {
  const rules = usePoll(() => get<{ items: AlertRuleView[] }>('/api/alert-rules'), 5000, 'rules');
  const alerts = usePoll(() => get<{ items: AlertView[] }>('/api/alerts?limit=50'), 3000, 'alerts');
  const operate = useCan('operator');
  const action = useAction();
  const change = (rule: AlertRuleView, how: 'toggle' | 'delete') => () =>
    action.run(async () => {
      if (how === 'delete') await api('DELETE', `/api/alert-rules/${rule.id}`);
      else await api('PATCH', `/api/alert-rules/${rule.id}`, { enabled: !rule.enabled });
      rules.reload();
      alerts.reload();
      return `${rule.name}: ${how === 'delete' ? 'deleted' : rule.enabled ? 'disabled' : 'enabled'}`;
    });
  return (
    <>
      <h1>Alerts</h1>
      <section aria-labelledby="rules-h">
        <h2 id="rules-h">Rules</h2>
        {rules.error && (
          <p class="error" role="alert">
            {rules.error}
          </p>
        )}
        <div class="scroll short">
          <table class="compact" data-testid="rules">
            <thead>
              <tr>
                <th scope="col">Rule</th>
                <th scope="col">Kind</th>
                <th scope="col">Condition</th>
                <th scope="col">Scope</th>
                <th scope="col">State</th>
                <th scope="col">
                  <span class="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {(rules.data?.items ?? []).map((r) => (
                <tr key={r.id} data-rule={r.name}>
                  <th scope="row">{r.name}</th>
                  <td>{r.kind}</td>
                  <td>{condition(r)}</td>
                  <td>{scope(r)}</td>
                  <td>{r.enabled ? 'enabled' : 'disabled'}</td>
                  <td>
                    <button
                      type="button"
                      onClick={change(r, 'toggle')}
                      disabled={!operate || action.busy}
                    >
                      {r.enabled ? 'Disable' : 'Enable'}
                    </button>{' '}
                    <button
                      type="button"
                      class="danger"
                      onClick={change(r, 'delete')}
                      disabled={!operate || action.busy}
                      aria-label={`Delete ${r.name}`}
                    >
                      Delete
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {rules.data?.items.length === 0 && <p class="hint">No rules yet.</p>}
        </div>
        <ActionMessage action={action} block />
        {operate && <NewRule onDone={rules.reload} />}
      </section>
      <section aria-labelledby="recent-h">
        <h2 id="recent-h">Recent alerts</h2>
        <div class="scroll short">
          <table class="compact" data-testid="recent-alerts">
            <thead>
              <tr>
                <th scope="col">Rule</th>
                <th scope="col">Device</th>
                <th scope="col">State</th>
                <th scope="col">Message</th>
                <th scope="col">Fired</th>
                <th scope="col">Resolved</th>
              </tr>
            </thead>
            <tbody>
              {(alerts.data?.items ?? []).map((a) => (
                <tr key={a.id}>
                  <th scope="row">{a.ruleName}</th>
                  <td>
                    {a.deviceId ? (
                      <a href={`/devices/${encodeURIComponent(a.deviceId)}`} onClick={onLinkClick}>
                        {a.deviceId}
                      </a>
                    ) : a.deploymentId !== null ? (
                      `deployment ${a.deploymentId}`
                    ) : (
                      '–'
                    )}
                  </td>
                  <td>{a.state}</td>
                  <td>{a.message}</td>
                  <td>{new Date(a.firedAt).toLocaleString()}</td>
                  <td>{a.resolvedAt ? new Date(a.resolvedAt).toLocaleString() : '–'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>
    </>
  );
}

function condition(r: AlertRuleView): string {
  switch (r.kind) {
    case 'telemetry':
      return `${r.metric} ${r.op} ${r.threshold}${r.forSeconds ? ` for ${r.forSeconds} s` : ''}`;
    case 'silent':
      return `no telemetry for ${r.periods} periods`;
    case 'event_rate':
      return `≥ ${r.count} ${r.event} in ${r.windowSeconds} s`;
    case 'rollout_failed':
      return 'a deployment halts';
    default:
      return '';
  }
}

function scope(r: AlertRuleView): string {
  const s = r.scope ?? {};
  return (
    [s.tag && `tag ${s.tag}`, s.vm && `vm ${s.vm}`, s.board && `board ${s.board}`]
      .filter(Boolean)
      .join(', ') || 'all devices'
  );
}

/** A telemetry threshold rule, the common case; other kinds: REST or `vmfleet alerts rules add`. */
function NewRule({ onDone }: { onDone: () => void }) {
  const action = useAction();
  const [op, setOp] = useState('>');
  const submit = (e: Event) => {
    e.preventDefault();
    const f = new FormData(e.currentTarget as HTMLFormElement);
    const tag = field(f, 'tag');
    action.run(async () => {
      const rule = await post<AlertRuleView>('/api/alert-rules', {
        kind: 'telemetry',
        name: field(f, 'name'),
        metric: field(f, 'metric'),
        op,
        threshold: Number(field(f, 'threshold')),
        forSeconds: Number(field(f, 'forSeconds')),
        ...(tag ? { scope: { tag } } : {}),
      });
      onDone();
      return `rule ${rule.name} added`;
    });
  };
  return (
    <details class="panel">
      <summary>New telemetry rule</summary>
      <form class="toolbar" onSubmit={submit} aria-label="New telemetry rule">
        <label>
          Name <input name="name" required maxLength={80} size={14} />
        </label>
        <label>
          Metric
          <select name="metric">
            <option value="ram_pct">RAM %</option>
            <option value="flash_pct">flash %</option>
            <option value="cpu_pct">CPU %</option>
            <option value="instructions_per_s">instructions/s</option>
          </select>
        </label>
        <label>
          Comparison
          <select value={op} onChange={(e) => setOp(e.currentTarget.value)}>
            <option value=">">above</option>
            <option value="<">below</option>
          </select>
        </label>
        <label>
          Threshold <input name="threshold" type="number" step="any" required defaultValue="90" />
        </label>
        <label>
          For seconds <input name="forSeconds" type="number" min={0} defaultValue="60" />
        </label>
        <label>
          Tag <input name="tag" size={10} placeholder="all devices" />
        </label>
        <button type="submit" disabled={action.busy}>
          Add rule
        </button>
        <ActionMessage action={action} />
      </form>
    </details>
  );
}
