/**
 * What the dashboard middleware does with a request: serve one of the built files, answer
 * with the single-page app's index.html (a client route such as /devices/dev-1), or pass
 * it on to the gateway's own routes. Paths of the gateway are never taken.
 */
export type DashboardAnswer =
  { kind: 'file'; file: string; immutable: boolean } | { kind: 'index' } | { kind: 'pass' };

/** Prefixes of the gateway's own HTTP surface: REST and its docs, Prometheus, MQTT over WebSocket. */
const GATEWAY_PREFIXES = ['/api', '/metrics', '/mqtt'];

/** Vite names what it emits under assets/ by content hash, so a name never changes meaning. */
const HASHED_DIR = 'assets/';

export function isGatewayPath(path: string): boolean {
  return GATEWAY_PREFIXES.some((p) => path === p || path.startsWith(`${p}/`));
}

/**
 * `files` are the built files relative to the dashboard directory ("index.html",
 * "assets/index-3f2a.js"); only those are ever served, so no path can reach outside it.
 */
export function routeDashboard(
  method: string,
  path: string,
  accept: string | undefined,
  files: ReadonlySet<string>,
): DashboardAnswer {
  if ((method !== 'GET' && method !== 'HEAD') || isGatewayPath(path)) return { kind: 'pass' };
  let relative: string;
  try {
    relative = decodeURIComponent(path).replace(/^\/+/, '');
  } catch {
    return { kind: 'pass' };
  }
  if (relative !== '' && relative !== 'index.html' && files.has(relative)) {
    return { kind: 'file', file: relative, immutable: relative.startsWith(HASHED_DIR) };
  }
  // A browser navigating to a client route asks for HTML; a script or API client that
  // mistyped a path gets the gateway's JSON 404 instead of a page.
  if (relative === '' || relative === 'index.html' || (accept ?? '').includes('text/html')) {
    return { kind: 'index' };
  }
  return { kind: 'pass' };
}
