import { ROLLOUT_STATES } from '../../../src/deployments/domain/deployment';

/** Colours with at least 3:1 contrast on white, one per rollout state (text says it too). */
const COLOURS: Record<string, string> = {
  pending: '#767676',
  offered: '#5a6fa8',
  transferring: '#1f5fa8',
  verifying: '#5b3fa0',
  installed: '#0b7285',
  running: '#2b8a3e',
  healthy: '#1b6e3a',
  failed: '#c92a2a',
  'rolled-back': '#a4142d',
  skipped: '#8a6d00',
  cancelled: '#495057',
};

/** States in the order a device goes through them; unknown ones (a newer gateway) last. */
export function orderedStates(counts: Record<string, number>): [string, number][] {
  const known = ROLLOUT_STATES.filter((s) => counts[s]).map((s): [string, number] => [
    s,
    counts[s],
  ]);
  const other = Object.entries(counts).filter(
    ([s, n]) => n && !(ROLLOUT_STATES as readonly string[]).includes(s),
  );
  return [...known, ...other];
}

/** A stacked bar of devices per state, with the same counts in words for everyone. */
export function StateBar({ counts, label }: { counts: Record<string, number>; label: string }) {
  const states = orderedStates(counts);
  const total = states.reduce((s, [, n]) => s + n, 0) || 1;
  const words = states.map(([s, n]) => `${n} ${s}`).join(', ') || 'no devices';
  return (
    <div class="progress" data-testid="progress">
      <div class="stack" role="img" aria-label={`${label}: ${words}`}>
        {states.map(([s, n]) => (
          <span
            key={s}
            style={{ width: `${(100 * n) / total}%`, background: COLOURS[s] ?? '#333' }}
            title={`${n} ${s}`}
          />
        ))}
      </div>
      <span class="words">{words}</span>
    </div>
  );
}
