import { useState } from 'preact/hooks';
import { setToken } from '../api';

/** The API token typed in once per tab; it goes to sessionStorage, never into a URL. */
export function Login({ error, onLogin }: { error: string | null; onLogin: () => void }) {
  const [value, setValue] = useState('');
  const submit = (e: Event) => {
    e.preventDefault();
    const t = value.trim();
    if (!t) return;
    onLogin();
    setToken(t);
  };
  return (
    <main class="login">
      <h1>vmfleet</h1>
      <form onSubmit={submit} aria-describedby="login-help">
        <label for="token">API token</label>
        <input
          id="token"
          name="token"
          type="password"
          autoComplete="current-password"
          required
          autoFocus
          value={value}
          onInput={(e) => setValue(e.currentTarget.value)}
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? 'login-error' : undefined}
        />
        <button type="submit">Log in</button>
        {error && (
          <p id="login-error" class="error" role="alert">
            {error}
          </p>
        )}
        <p id="login-help" class="hint">
          The gateway prints its token on first start (<code>data/api-token</code>);{' '}
          <code>vmfleet tokens create</code> makes one per person. It is kept for this tab only.
        </p>
      </form>
    </main>
  );
}
