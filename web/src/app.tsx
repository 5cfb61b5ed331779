import { useEffect, useRef, useState } from 'preact/hooks';
import type { WhoAmI } from '../../src/protocol/api/tokens';
import { ApiError, errorText, get, onTokenChange, setToken, token } from './api';
import { onLinkClick, useLocation } from './router';
import { SessionContext } from './session';
import { Login } from './pages/login';
import { FleetPage } from './pages/fleet';
import { DevicePage } from './pages/device';
import { DeploymentsPage } from './pages/deployments';
import { BenchmarksPage } from './pages/benchmarks';
import { AlertsPage } from './pages/alerts';
import { AlertsPanel } from './components/alerts';

const NAV = [
  { href: '/', label: 'Fleet' },
  { href: '/deployments', label: 'Apps & deployments' },
  { href: '/benchmarks', label: 'Benchmarks' },
  { href: '/alerts', label: 'Alerts' },
];

export function App() {
  const [hasToken, setHasToken] = useState(token() !== null);
  const [who, setWho] = useState<WhoAmI | null>(null);
  const [loginError, setLoginError] = useState<string | null>(null);
  useEffect(() => onTokenChange(() => setHasToken(token() !== null)), []);
  useEffect(() => {
    if (!hasToken) return setWho(null);
    get<WhoAmI>('/api/tokens/me')
      .then(setWho)
      .catch((err: unknown) => {
        // A 401 has already dropped the token; say why on the login form.
        setLoginError(
          err instanceof ApiError && err.status === 401
            ? 'That API token was refused.'
            : errorText(err),
        );
      });
  }, [hasToken]);
  if (!hasToken) return <Login error={loginError} onLogin={() => setLoginError(null)} />;
  if (!who)
    return (
      <p class="loading" role="status">
        Signing in…
      </p>
    );
  return (
    <SessionContext.Provider value={who}>
      <Shell who={who} />
    </SessionContext.Provider>
  );
}

function Shell({ who }: { who: WhoAmI }) {
  const { path } = useLocation();
  const device = /^\/devices\/([^/]+)$/.exec(path);
  const section = device
    ? '/'
    : (NAV.find((n) => n.href !== '/' && path.startsWith(n.href))?.href ?? '/');
  // After an in-page navigation, focus moves to the new page's content (as a page load
  // would put it at the top); not on the first render, where it stays at the document start.
  const first = useRef(true);
  useEffect(() => {
    if (first.current) first.current = false;
    else document.getElementById('main')?.focus({ preventScroll: true });
  }, [path]);
  return (
    <>
      <a class="skip" href="#main">
        Skip to content
      </a>
      <header class="top">
        <strong class="brand">vmfleet</strong>
        <nav aria-label="Sections">
          {NAV.map((n) => (
            <a
              key={n.href}
              href={n.href}
              onClick={onLinkClick}
              aria-current={section === n.href ? 'page' : undefined}
            >
              {n.label}
            </a>
          ))}
        </nav>
        <span class="who">
          <span>{who.name}</span>{' '}
          <span class={`badge role-${who.role}`} title="your role" data-testid="role">
            {who.role}
          </span>
          <button type="button" class="link" onClick={() => setToken(null)}>
            Log out
          </button>
        </span>
      </header>
      <main id="main" tabIndex={-1}>
        <AlertsPanel />
        {device ? (
          <DevicePage id={decodeURIComponent(device[1])} />
        ) : section === '/deployments' ? (
          <DeploymentsPage />
        ) : section === '/benchmarks' ? (
          <BenchmarksPage />
        ) : section === '/alerts' ? (
          <AlertsPage />
        ) : (
          <FleetPage />
        )}
      </main>
    </>
  );
}
