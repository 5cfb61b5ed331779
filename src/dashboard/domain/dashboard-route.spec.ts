import { isGatewayPath, routeDashboard } from './dashboard-route';

const FILES = new Set([
  'index.html',
  'assets/index-3f2a.js',
  'assets/index-9c1d.css',
  'favicon.svg',
]);
const HTML = 'text/html,application/xhtml+xml,*/*;q=0.8';

describe('routeDashboard', () => {
  it.each([
    ['GET', '/', HTML, { kind: 'index' }],
    ['GET', '/', undefined, { kind: 'index' }],
    ['GET', '/index.html', '*/*', { kind: 'index' }],
    ['GET', '/devices/dev-1', HTML, { kind: 'index' }],
    ['HEAD', '/deployments', HTML, { kind: 'index' }],
    [
      'GET',
      '/assets/index-3f2a.js',
      '*/*',
      { kind: 'file', file: 'assets/index-3f2a.js', immutable: true },
    ],
    ['GET', '/favicon.svg', 'image/*', { kind: 'file', file: 'favicon.svg', immutable: false }],
    ['GET', '/assets/missing-0000.js', '*/*', { kind: 'pass' }],
    ['GET', '/devices/dev-1', 'application/json', { kind: 'pass' }],
    ['POST', '/', HTML, { kind: 'pass' }],
    ['GET', '/api', HTML, { kind: 'pass' }],
    ['GET', '/api/devices', HTML, { kind: 'pass' }],
    ['GET', '/api/docs', HTML, { kind: 'pass' }],
    ['GET', '/metrics', HTML, { kind: 'pass' }],
    ['GET', '/mqtt', HTML, { kind: 'pass' }],
    ['GET', '/%E0%A4%A', HTML, { kind: 'pass' }],
    ['GET', '/../package.json', '*/*', { kind: 'pass' }],
    ['GET', '/%2e%2e/package.json', '*/*', { kind: 'pass' }],
  ])('%s %s (accept %s) → %j', (method, path, accept, answer) => {
    expect(routeDashboard(method, path, accept, FILES)).toEqual(answer);
  });
});

describe('isGatewayPath', () => {
  it.each([
    ['/api', true],
    ['/api/health', true],
    ['/metrics', true],
    ['/mqtt', true],
    ['/apis', false],
    ['/metrics-page', false],
    ['/', false],
  ])('%s → %s', (path, gateway) => {
    expect(isGatewayPath(path)).toBe(gateway);
  });
});
