import { useEffect, useState } from 'preact/hooks';
import { ApiError, get } from '../api';

/** An alert as GET /api/alerts lists it (docs/monitoring.md); loose, shown as it comes. */
interface Alert {
  id: string | number;
  state?: string;
  rule?: { name?: string; kind?: string } | string;
  ruleName?: string;
  deviceId?: string | null;
  value?: number | null;
  firedAt?: string;
  message?: string;
}

const POLL_MS = 5000;

/**
 * Firing alerts, on every page. The alerts API is optional: a gateway without it (404)
 * shows no panel at all rather than an error.
 */
export function AlertsPanel() {
  const [alerts, setAlerts] = useState<Alert[] | null>(null);
  useEffect(() => {
    let alive = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const tick = async () => {
      try {
        const list = await get<{ items: Alert[] }>('/api/alerts?state=firing');
        if (alive) setAlerts(list.items);
      } catch (err) {
        if (err instanceof ApiError && err.status === 404) return; // no alerting on this gateway
      }
      if (alive) timer = setTimeout(() => void tick(), POLL_MS);
    };
    void tick();
    return () => {
      alive = false;
      clearTimeout(timer);
    };
  }, []);
  if (!alerts || alerts.length === 0) return null;
  return (
    <section class="alerts" aria-labelledby="alerts-h" data-testid="alerts">
      <h2 id="alerts-h">
        {alerts.length} alert{alerts.length === 1 ? '' : 's'} firing
      </h2>
      <ul>
        {alerts.map((a) => (
          <li key={String(a.id)}>
            <strong>
              {typeof a.rule === 'string' ? a.rule : (a.rule?.name ?? a.ruleName ?? 'alert')}
            </strong>
            {a.deviceId ? ` on ${a.deviceId}` : ''}
            {a.value != null ? `: ${a.value}` : ''}
            {a.message ? ` — ${a.message}` : ''}
            {a.firedAt ? ` (since ${new Date(a.firedAt).toLocaleTimeString()})` : ''}
          </li>
        ))}
      </ul>
    </section>
  );
}
