import { useEffect, useState } from 'preact/hooks';
import type { DeviceEvent } from '../../../src/protocol/api';
import { get, post } from '../api';
import { useAction } from '../hooks';
import { useCan } from '../session';
import { follow } from '../sse';
import { ActionMessage } from './action-message';

const KEEP = 200;

/** The device's events, newest first, live over SSE; raw events injected into its Event Handler. */
export function EventLog({ deviceId }: { deviceId: string }) {
  const path = `/api/devices/${encodeURIComponent(deviceId)}/events`;
  const [events, setEvents] = useState<DeviceEvent[]>([]);
  const [event, setEvent] = useState('button');
  const [value, setValue] = useState(0);
  const action = useAction();
  const operate = useCan('operator');
  useEffect(() => {
    const abort = new AbortController();
    setEvents([]);
    const add = (more: DeviceEvent[]) =>
      setEvents((old) => {
        const seen = new Set(old.map((e) => String(e.id)));
        return [...more.filter((e) => !seen.has(String(e.id))).reverse(), ...old].slice(0, KEEP);
      });
    follow(
      `${path}/stream`,
      (m) => {
        if (m.type !== 'keep-alive' && m.data) add([JSON.parse(m.data) as DeviceEvent]);
      },
      abort.signal,
    );
    get<{ items: DeviceEvent[] }>(`${path}?limit=100`)
      .then((list) => add(list.items))
      .catch(() => undefined);
    return () => abort.abort();
  }, [path]);
  const inject = (e: Event) => {
    e.preventDefault();
    action.run(async () => {
      const code = event === 'button' ? 'button' : Number(event);
      if (code !== 'button' && !(Number.isInteger(code) && code >= 100 && code <= 199)) {
        throw new Error('an event is "button" or a number 100–199');
      }
      const r = await post<{ queued: boolean }>(path, { event: code, value });
      return r.queued ? `event ${event} queued` : `the device did not queue event ${event}`;
    });
  };
  return (
    <section aria-labelledby="events-h">
      <h2 id="events-h">Events</h2>
      <form class="toolbar" onSubmit={inject} aria-label="Inject an event">
        <label>
          Event
          <input
            value={event}
            onInput={(e) => setEvent(e.currentTarget.value)}
            size={8}
            list="event-kinds"
          />
          <datalist id="event-kinds">
            <option value="button" />
            <option value="100" />
          </datalist>
        </label>
        <label>
          Value
          <input
            type="number"
            value={value}
            onInput={(e) => setValue(Number(e.currentTarget.value) || 0)}
          />
        </label>
        <button
          type="submit"
          disabled={action.busy || !operate}
          title={operate ? undefined : 'needs the operator role'}
        >
          Inject
        </button>
        <ActionMessage action={action} testId="inject-message" />
      </form>
      <div class="scroll short">
        <table class="compact" data-testid="events">
          <thead>
            <tr>
              <th scope="col">Time</th>
              <th scope="col">Kind</th>
              <th scope="col">What</th>
            </tr>
          </thead>
          <tbody>
            {events.map((e) => (
              <tr key={String(e.id)}>
                <td>{new Date(e.ts).toLocaleTimeString()}</td>
                <td>{e.kind}</td>
                <td>{describe(e)}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {events.length === 0 && <p class="hint">No events yet.</p>}
      </div>
    </section>
  );
}

function describe(e: DeviceEvent): string {
  const parts = [
    e.name,
    e.event != null ? `event ${e.event}` : null,
    e.value != null ? `value ${e.value}` : null,
    e.state ? `state ${e.state}` : null,
    e.exitCode != null ? `exit ${e.exitCode}` : null,
    e.fault ? `fault ${e.fault.code} at 0x${e.fault.pc.toString(16)}: ${e.fault.message}` : null,
  ];
  return parts.filter(Boolean).join(', ');
}
