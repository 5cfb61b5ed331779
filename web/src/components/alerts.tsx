import { useEffect, useState } from 'preact/hooks';
import type { AlertView } from '../../../src/protocol/api/alerts';
import { get } from '../api';
import { onLinkClick } from '../router';
import { follow } from '../sse';

/** Firing alerts on every page (docs/monitoring.md "Alerts"): listed once, then live over SSE. */
export function AlertsPanel() {
  const [alerts, setAlerts] = useState<AlertView[]>([]);
  useEffect(() => {
    const abort = new AbortController();
    const apply = (change: string, alert: AlertView) =>
      setAlerts((old) => {
        const rest = old.filter((a) => a.id !== alert.id);
        return change === 'firing' ? [alert, ...rest] : rest;
      });
    let listed = false;
    const early: [string, AlertView][] = [];
    follow(
      '/api/alerts/stream',
      (m) => {
        if (m.type !== 'firing' && m.type !== 'resolved') return;
        const alert = JSON.parse(m.data) as AlertView;
        if (listed) apply(m.type, alert);
        else early.push([m.type, alert]);
      },
      abort.signal,
    );
    get<{ items: AlertView[] }>('/api/alerts?state=firing')
      .then((list) => {
        setAlerts(list.items);
        for (const [change, alert] of early) apply(change, alert);
      })
      .catch(() => undefined)
      .finally(() => {
        listed = true;
      });
    return () => abort.abort();
  }, []);
  return (
    <section
      class={alerts.length ? 'alerts' : 'alerts none'}
      aria-labelledby="alerts-h"
      aria-live="polite"
      data-testid="alerts"
    >
      <h2 id="alerts-h">
        {alerts.length
          ? `${alerts.length} alert${alerts.length === 1 ? '' : 's'} firing`
          : 'No alerts firing'}
      </h2>
      {alerts.length > 0 && (
        <ul>
          {alerts.map((a) => (
            <li key={a.id} data-alert={a.id}>
              <strong>{a.ruleName}</strong>
              {a.deviceId && (
                <>
                  {' on '}
                  <a href={`/devices/${encodeURIComponent(a.deviceId)}`} onClick={onLinkClick}>
                    {a.deviceId}
                  </a>
                </>
              )}
              {a.deploymentId !== null && (
                <>
                  {' for '}
                  <a href={`/deployments/${a.deploymentId}`} onClick={onLinkClick}>
                    deployment {a.deploymentId}
                  </a>
                </>
              )}
              {`: ${a.message}`} <small>(since {new Date(a.firedAt).toLocaleTimeString()})</small>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
