import { useEffect, useState } from 'preact/hooks';
import type {
  App,
  AppList,
  Device,
  MemoryResult,
  MonitorStatus,
  RegistersResult,
  StepResult,
} from '../../../src/protocol/api';
import { base64, get, getBytes, post } from '../api';
import { useAction } from '../hooks';
import { useCan } from '../session';
import { ActionMessage } from './action-message';

interface Reply<R> {
  result: R;
}

const hex = (n: number) => `0x${n.toString(16).padStart(8, '0')}`;

/**
 * The Thing Monitor of one device (docs/protocol.md §9): status, load an app from the
 * repository, start/stop/pause/resume/reset, step, registers, a memory view and the
 * guest console. Changing ops need the operator role; reading ones any role.
 */
export function ThingMonitor({ device }: { device: Device }) {
  const path = `/api/devices/${encodeURIComponent(device.id)}/monitor`;
  const operate = useCan('operator');
  const action = useAction();
  const [status, setStatus] = useState<MonitorStatus | null>(null);
  const [pc, setPc] = useState<number | null>(null);
  const [instructions, setInstructions] = useState<number | null>(null);
  const [registers, setRegisters] = useState<RegistersResult | null>(null);
  const [memory, setMemory] = useState<MemoryResult | null>(null);
  const [steps, setSteps] = useState(1);
  const [address, setAddress] = useState('0x0');
  const [length, setLength] = useState(64);
  const [apps, setApps] = useState<App[]>([]);
  const [appRef, setAppRef] = useState('');

  const send = async <R,>(op: string, args?: object): Promise<R> =>
    (await post<Reply<R>>(path, { op, args, timeoutMs: 10_000 })).result;
  const refreshStatus = async () => {
    const s = await send<MonitorStatus>('status');
    setStatus(s);
    setPc(s.pc);
    setInstructions(s.instructions);
  };
  useEffect(() => {
    if (device.online) action.run(refreshStatus);
    get<AppList>(`/api/apps`)
      .then((list) =>
        setApps(list.items.filter((a) => a.vm === device.vm.kind && a.origin !== 'benchmark')),
      )
      .catch(() => setApps([]));
  }, [device.id, device.online]);

  const simple = (op: string) => () =>
    action.run(async () => {
      const r = await send<{ state: string }>(op);
      await refreshStatus();
      return `${op}: ${r.state}`;
    });
  const step = () =>
    action.run(async () => {
      const r = await send<StepResult>('step', { n: steps });
      setPc(r.pc);
      setInstructions(r.instructions);
      await refreshStatus();
      return `stepped ${r.executed} (${r.outcome})${r.fault ? `: ${r.fault.code} ${r.fault.message}` : ''}`;
    });
  const readRegisters = () =>
    action.run(async () => {
      const r = await send<RegistersResult>('registers');
      setRegisters(r);
      setPc(r.pc);
      setInstructions(r.instructions);
    });
  const readMemory = (e: Event) => {
    e.preventDefault();
    action.run(async () => {
      const at = Number(address);
      if (!Number.isInteger(at) || at < 0)
        throw new Error(`address ${address}: expected a number such as 0x1000`);
      setMemory(await send<MemoryResult>('memory', { address: at, length }));
    });
  };
  const load = (e: Event) => {
    e.preventDefault();
    const app = apps.find((a) => `${a.name}@${a.version}` === appRef);
    if (!app) return;
    action.run(async () => {
      const image = await getBytes(
        `/api/apps/${encodeURIComponent(app.name)}/${encodeURIComponent(app.version)}/payload`,
      );
      const r = await send<{ loadTimeMs: number; imageBytes: number }>('load', {
        vm: app.vm,
        image: base64(image),
        app: { id: app.name, version: app.version },
      });
      await refreshStatus();
      return `loaded ${app.name}@${app.version}: ${r.imageBytes} B in ${r.loadTimeMs.toFixed(1)} ms`;
    });
  };

  const disabled = action.busy || !device.online;
  const needsOperator = operate ? undefined : 'needs the operator role';
  return (
    <section aria-labelledby="tm-h" class="monitor">
      <h2 id="tm-h">Thing Monitor</h2>
      {!device.online && (
        <p class="hint">The device is offline: the Thing Monitor needs it connected.</p>
      )}
      {!operate && (
        <p class="hint">Your role can read the VM (status, registers, memory) but not change it.</p>
      )}
      <div class="vm-state" aria-live="polite">
        <span>
          State <strong data-testid="tm-state">{status?.state ?? '–'}</strong>
        </span>
        <span>
          PC <code data-testid="pc">{pc === null ? '–' : hex(pc)}</code>
        </span>
        <span>
          Instructions <code data-testid="instructions">{instructions ?? '–'}</code>
        </span>
        <span>App {status?.app ? `${status.app.id}@${status.app.version}` : 'none'}</span>
        <span>
          Guest memory{' '}
          {status ? `${status.guestMemoryBytes} B (peak ${status.peakGuestBytes} B)` : '–'}
        </span>
        {status?.lastEnd && <span>Last end {JSON.stringify(status.lastEnd)}</span>}
      </div>
      <div class="toolbar" role="group" aria-label="VM control">
        <button type="button" onClick={() => action.run(refreshStatus)} disabled={disabled}>
          Status
        </button>
        {['start', 'stop', 'pause', 'resume', 'reset'].map((op) => (
          <button
            key={op}
            type="button"
            onClick={simple(op)}
            disabled={disabled || !operate}
            title={needsOperator}
          >
            {op[0].toUpperCase() + op.slice(1)}
          </button>
        ))}
        <label>
          Steps
          <input
            type="number"
            min={1}
            max={100000}
            value={steps}
            onInput={(e) => setSteps(Math.max(1, Number(e.currentTarget.value) || 1))}
          />
        </label>
        <button type="button" onClick={step} disabled={disabled || !operate} title={needsOperator}>
          Step
        </button>
        <button type="button" onClick={readRegisters} disabled={disabled}>
          Registers
        </button>
      </div>
      <form class="toolbar" onSubmit={load} aria-label="Load an app">
        <label>
          App
          <select
            aria-label="App to load"
            value={appRef}
            onChange={(e) => setAppRef(e.currentTarget.value)}
          >
            <option value="">choose a {device.vm.kind} app…</option>
            {apps.map((a) => (
              <option key={`${a.name}@${a.version}`} value={`${a.name}@${a.version}`}>
                {a.name}@{a.version} ({a.size} B)
              </option>
            ))}
          </select>
        </label>
        <button type="submit" disabled={disabled || !operate || !appRef} title={needsOperator}>
          Load
        </button>
      </form>
      <ActionMessage action={action} block testId="tm-message" />
      {registers && <RegisterTable r={registers} />}
      <form class="toolbar" onSubmit={readMemory} aria-label="Read memory">
        <label>
          Address
          <input
            value={address}
            onInput={(e) => setAddress(e.currentTarget.value)}
            size={12}
            spellcheck={false}
          />
        </label>
        <label>
          Bytes
          <input
            type="number"
            min={1}
            max={1024}
            value={length}
            onInput={(e) =>
              setLength(Math.min(1024, Math.max(1, Number(e.currentTarget.value) || 1)))
            }
          />
        </label>
        <button type="submit" disabled={disabled}>
          Read memory
        </button>
      </form>
      {memory && <HexDump m={memory} />}
      <h3>Guest console</h3>
      <pre class="console" data-testid="console" tabIndex={0} aria-label="guest console">
        {status?.console || '(empty)'}
      </pre>
    </section>
  );
}

function RegisterTable({ r }: { r: RegistersResult }) {
  return (
    <figure class="registers" data-testid="registers">
      <figcaption>Registers at {hex(r.pc)}</figcaption>
      <dl>
        {Object.entries(r.registers).map(([name, value]) => (
          <div key={name}>
            <dt>{name}</dt>
            <dd>
              <code>{hex(value >>> 0)}</code>
            </dd>
          </div>
        ))}
      </dl>
    </figure>
  );
}

/** 16 bytes a line: address, hex, ASCII. */
function HexDump({ m }: { m: MemoryResult }) {
  const lines: string[] = [];
  for (let i = 0; i < m.hex.length / 2; i += 16) {
    const bytes = m.hex.slice(i * 2, (i + 16) * 2).match(/../g) ?? [];
    const ascii = bytes.map((b) => {
      const c = parseInt(b, 16);
      return c >= 32 && c < 127 ? String.fromCharCode(c) : '.';
    });
    lines.push(`${hex(m.address + i)}  ${bytes.join(' ').padEnd(47)}  ${ascii.join('')}`);
  }
  return (
    <pre
      class="hexdump"
      data-testid="memory"
      tabIndex={0}
      aria-label={`memory from ${hex(m.address)}, ${m.length} bytes`}
    >
      {lines.join('\n')}
    </pre>
  );
}
